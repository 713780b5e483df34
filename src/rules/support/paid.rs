//! The APIs that cost money per call, shared by AUTH004 (what makes a
//! project worth limiting) and AUTH008 (public routes that spend).
//!
//! Limits: hosts only; a paid API behind the project's own proxy host, or
//! a free endpoint of a paid host (listing models), is not told apart.

/// Hosts of metered model APIs (LLMs, image, speech), called with `fetch`.
pub const MODEL_API_HOSTS: &[&str] = &[
    "api.openai.com",
    "api.anthropic.com",
    "api.replicate.com",
    "generativelanguage.googleapis.com",
    "api.groq.com",
    "api.mistral.ai",
    "api.together.xyz",
    "api.cohere.ai",
    "api.cohere.com",
    "api.deepseek.com",
    "api.perplexity.ai",
    "openrouter.ai",
    "api.stability.ai",
    "api.fireworks.ai",
    "api.elevenlabs.io",
    "gateway.ai.cloudflare.com",
];

/// Hosts of e-mail and SMS APIs: each message sent is billed.
pub const MESSAGING_API_HOSTS: &[&str] = &[
    "api.resend.com",
    "api.sendgrid.com",
    "api.mailgun.net",
    "api.postmarkapp.com",
    "api.brevo.com",
    "api.sendinblue.com",
    "api.mailchannels.net",
    "api.twilio.com",
];

/// The model API host named somewhere in `text` (a URL, a template
/// piece), if any.
pub fn model_api_host_in(text: &str) -> Option<&'static str> {
    MODEL_API_HOSTS.iter().copied().find(|h| text.contains(h))
}

/// Whether `host` is a paid model or messaging API.
pub fn is_paid_host(host: &str) -> bool {
    MODEL_API_HOSTS.contains(&host) || MESSAGING_API_HOSTS.contains(&host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            model_api_host_in("https://openrouter.ai/api/v1/chat/completions"),
            Some("openrouter.ai")
        );
        assert_eq!(model_api_host_in("https://api.example.com/openai"), None);
        assert!(is_paid_host("api.resend.com"));
        assert!(is_paid_host("api.openai.com"));
        assert!(!is_paid_host("api.github.com"));
    }
}
