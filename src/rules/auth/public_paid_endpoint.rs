//! AUTH008 public-paid-endpoint: the doc lives in rules/AUTH008.md.
//!
//! A route whose chain calls a metered API (Workers AI, an LLM or image
//! SDK, a `fetch` to a paid API host, Browser Rendering, a presigned R2
//! upload) with no auth check, no Turnstile verification and no rate
//! limiter: anyone can spend the owner's money (denial of wallet).

use crate::hashing::HashSet;

use crate::finding::{FileId, Finding};
use crate::formats::js::{JsFacts, UrlSource};
use crate::project::Project;
use crate::project::callees::CalleeTest;
use crate::project::routes::{ResolvedRoute, ScopedFunction};
use crate::rules::support::chain::{is_authenticated, is_rate_limited, verifies_turnstile};
use crate::rules::support::paid;
use crate::rules::support::sources::skip_test_or_unreachable_file;
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH008",
    "public-paid-endpoint",
    Warning,
    "a public route calls a paid API with no auth, Turnstile check or rate limit",
    "put auth, a Turnstile check or a rate limiter (a `ratelimits` binding) before the paid call",
    reach = Runtime,
);

pub struct PublicPaidEndpoint;

/// SDK methods (callee suffixes) that run a metered model: OpenAI and
/// compatible clients, Anthropic, Google Gen AI, Replicate.
const SDK_METHODS: &[&str] = &[
    "chat.completions.create",
    "completions.create",
    "responses.create",
    "embeddings.create",
    "images.generate",
    "images.edit",
    "audio.speech.create",
    "audio.transcriptions.create",
    "messages.create",
    "messages.stream",
    "generateContent",
    "generateContentStream",
    "generateImages",
    "predictions.create",
];

/// Words in an import specifier or a client's name that say the module
/// or client is a paid model provider's.
const PROVIDER_WORDS: &[&str] = &[
    "openai",
    "anthropic",
    "claude",
    "gemini",
    "genai",
    "generative-ai",
    "groq",
    "mistral",
    "replicate",
    "together",
    "cohere",
    "deepseek",
    "fireworks",
    "perplexity",
    "openrouter",
    "elevenlabs",
];

/// Receivers that are database clients, whose `messages.create` is a row.
const DB_CLIENTS: &[&str] = &["prisma", "db", "tx", "drizzle", "supabase", "kysely"];

/// The Vercel AI SDK's (package `ai`) calls that run a model.
const AI_SDK_CALLS: &[&str] = &[
    "generateText",
    "streamText",
    "generateObject",
    "streamObject",
    "generateImage",
    "experimental_generateImage",
    "embed",
    "embedMany",
];

/// Commands whose presigned URL lets the holder upload to the bucket.
const UPLOAD_COMMANDS: &[&str] = &[
    "PutObjectCommand",
    "UploadPartCommand",
    "CreateMultipartUploadCommand",
];

/// A paid call in a route's chain.
#[derive(Clone)]
struct PaidCall {
    file: FileId,
    span: Span,
    what: String,
}

/// The Worker's binding names of a kind, with the conventional default.
fn binding_names(
    project: &Project,
    route: &ResolvedRoute,
    kind: &str,
    default: &str,
) -> Vec<String> {
    let mut names: Vec<String> = project
        .workers
        .get(route.worker)
        .and_then(|w| project.worker_config(w))
        .map(|config| {
            config
                .scopes()
                .flat_map(|(_, scope)| scope.bindings.iter())
                .filter(|b| b.kind == kind)
                .map(|b| b.name.value.clone())
                .collect()
        })
        .unwrap_or_default();
    names.push(default.to_string());
    names
}

fn has_provider_word(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    PROVIDER_WORDS.iter().any(|w| lower.contains(w))
}

/// Whether the file imports a model provider's SDK (or a local module
/// named for one: `./lib/openai`).
fn imports_provider(facts: &JsFacts) -> bool {
    facts.imports.iter().any(|i| {
        let s = i.source.value.as_str();
        has_provider_word(s) || s == "ai" || s.starts_with("@ai-sdk/")
    })
}

/// The module a local name is imported from.
fn import_source<'f>(facts: &'f JsFacts, local: &str) -> Option<&'f str> {
    facts.import_of(local).map(|(i, _)| i.source.value.as_str())
}

/// Whether any function of the loaded batch makes a paid call, with the
/// binding names of every Worker (a superset of one route's).
fn batch_has_paid_call(project: &Project) -> bool {
    let names = |kind: &str, default: &str| -> Vec<String> {
        let mut names: Vec<String> = project
            .workers
            .iter()
            .filter_map(|w| project.worker_config(w))
            .flat_map(|c| c.scopes().flat_map(|(_, s)| s.bindings.iter()))
            .filter(|b| b.kind == kind)
            .map(|b| b.name.value.clone())
            .collect();
        names.push(default.to_string());
        names
    };
    let (ai, browser) = (names("ai", "AI"), names("browser", "BROWSER"));
    project.js_files().any(|(file, _, facts)| {
        facts.functions.iter().any(|function| {
            let whole = ScopedFunction {
                file,
                facts,
                function,
                region: None,
                depth: 0,
            };
            paid_call(&whole, &ai, &browser).is_some()
        })
    })
}

/// The first paid call of one function of the chain.
fn paid_call(s: &ScopedFunction<'_>, ai: &[String], browser: &[String]) -> Option<PaidCall> {
    let found = |span: Span, what: String| PaidCall {
        file: s.file,
        span,
        what,
    };
    let uploads = s
        .calls()
        .any(|c| c.is_new && UPLOAD_COMMANDS.contains(&c.method()));
    for call in s.calls() {
        let callee = call.callee.as_str();
        let method = call.method();
        let receiver = callee.rsplit_once('.').map(|(r, _)| r);
        let receiver_last = receiver.map(|r| r.rsplit('.').next().unwrap_or(r));
        let root = callee.split('.').next().unwrap_or(callee);
        // Workers AI: `env.AI.run(model, input)`, `AI.run`, `ai.autorag(...)`.
        if matches!(method, "run" | "autorag")
            && receiver_last
                .is_some_and(|r| ai.iter().any(|n| n == r) || r.eq_ignore_ascii_case("ai"))
        {
            return Some(found(call.span, format!("Workers AI `{callee}`")));
        }
        if SDK_METHODS.iter().any(|m| {
            callee
                .strip_suffix(m)
                .is_some_and(|head| head.is_empty() || head.ends_with('.'))
        }) && !DB_CLIENTS.contains(&root)
            && (has_provider_word(root) || imports_provider(s.facts))
        {
            return Some(found(call.span, format!("model API `{callee}`")));
        }
        if !callee.contains('.')
            && AI_SDK_CALLS.contains(&callee)
            && import_source(s.facts, callee).is_some_and(|m| m == "ai")
        {
            return Some(found(call.span, format!("AI SDK `{callee}`")));
        }
        // Browser Rendering: `puppeteer.launch(env.BROWSER)`.
        if method == "launch"
            && import_source(s.facts, root).is_some_and(|m| {
                m.starts_with("@cloudflare/puppeteer") || m.starts_with("@cloudflare/playwright")
            })
        {
            return Some(found(call.span, format!("Browser Rendering `{callee}`")));
        }
        if method == "fetch" && receiver_last.is_some_and(|r| browser.iter().any(|n| n == r)) {
            return Some(found(call.span, format!("Browser Rendering `{callee}`")));
        }
        if uploads && matches!(method, "getSignedUrl" | "createPresignedPost") {
            return Some(found(call.span, format!("presigned upload `{callee}`")));
        }
    }
    for f in s.fetches() {
        let host = match &f.url {
            UrlSource::Literal(u) | UrlSource::FixedOrigin(u) => paid::model_api_host_in(u),
            _ => None,
        };
        // The URL is often a module constant or a template built here.
        let host = host.or_else(|| {
            s.function
                .literals
                .iter()
                .filter(|l| s.contains(l.span))
                .find_map(|l| paid::model_api_host_in(&l.value))
        });
        if let Some(h) = host {
            return Some(found(f.span, format!("`fetch` to {h}")));
        }
    }
    None
}

impl Rule for PublicPaidEndpoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[
            crate::rules::support::routes::is_auth_name_in,
            crate::rules::support::sources::is_turnstile_callee,
            crate::rules::support::sources::is_rate_limit_callee,
        ]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let mut seen = HashSet::default();
        let mut judged: crate::hashing::HashMap<_, Option<PaidCall>> = Default::default();
        // A shortcut: with no paid call anywhere in the batch (every
        // binding name of the kinds counted), no route's chain is walked.
        if !batch_has_paid_call(project) {
            return;
        }
        for route in project.routes() {
            let span = route.report_span();
            if seen.contains(&(route.file, span))
                || skip_test_or_unreachable_file(project, route.file)
            {
                continue;
            }
            let ai = binding_names(project, route, "ai", "AI");
            let browser = binding_names(project, route, "browser", "BROWSER");
            // Routes share middleware and helpers: a whole function (no
            // region) is judged once per Worker.
            let Some(paid) = project.route_functions(route).iter().find_map(|s| {
                if s.region.is_some() {
                    return paid_call(s, &ai, &browser);
                }
                judged
                    .entry((route.worker, s.file, s.function.id))
                    .or_insert_with(|| paid_call(s, &ai, &browser))
                    .clone()
            }) else {
                continue;
            };
            if is_authenticated(project, route)
                || verifies_turnstile(project, route)
                || is_rate_limited(project, route)
            {
                continue;
            }
            seen.insert((route.file, span));
            let mut finding = Finding::new(&META, route.file, span).message(format!(
                "{} {} is public and calls a paid API ({}) with no auth check, Turnstile verification or rate limit in its chain: anyone can run up the bill (denial of wallet)",
                route.methods.join("/"),
                route.full_path,
                paid.what
            ));
            finding.add_related(
                paid.file,
                paid.span,
                format!("the paid call: {}", paid.what),
            );
            out.push(finding);
        }
    }
}
