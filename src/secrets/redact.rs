//! RULES.md "Redaction": at most the first 4 characters, then `…` and the
//! length. Every message that mentions a value goes through here.

pub fn redact(value: &str) -> String {
    let _ = value;
    String::from("…")
}
