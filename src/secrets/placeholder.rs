//! RULES.md "placeholder": values that are obviously not real credentials.

pub fn is_placeholder(value: &str) -> bool {
    let _ = value;
    false
}
