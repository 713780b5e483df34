//! `body.password === 'hunter2'`: a credential accepted by comparing it
//! with a literal written in the source (AUTH005).

use oxc_ast::ast::{BinaryExpression, Expression};
use oxc_span::GetSpan;

use super::LiteralCredentialCompare;
use super::env_reads::is_equality;
use super::expr::{member_parts, sp, string_value, unwrap};
use super::visitor::Extractor;

/// How a value's name ends, lower-cased and without `_`/`-`, for it to
/// hold a password or key a caller types (`password`, `adminPassword`,
/// `api_key`). Bare `key` and `token` are left out: they name map keys,
/// cache keys and CSRF tokens as often as credentials.
const CREDENTIAL_NAME_ENDINGS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "apikey",
    "adminkey",
    "secretkey",
];

/// Whether `name` is named like a credential.
fn credential_named(name: &str) -> bool {
    let flat: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    CREDENTIAL_NAME_ENDINGS.iter().any(|e| flat.ends_with(e))
}

impl<'a> Extractor<'a> {
    /// The name of an identifier or member that is not an env read.
    fn credential_operand(&self, e: &Expression<'a>) -> Option<String> {
        let u = unwrap(e);
        let name = match u {
            Expression::Identifier(id) => id.name.as_str(),
            _ => member_parts(u)?.1,
        };
        (credential_named(name) && self.env_ref(u).is_none()).then(|| self.snippet(u.span()))
    }

    pub(super) fn credential_literal_on_binary(&mut self, b: &'a BinaryExpression<'a>) {
        if !is_equality(b.operator) {
            return;
        }
        let (value, literal) = match (string_value(&b.left), string_value(&b.right)) {
            (None, Some(lit)) => (&b.left, lit),
            (Some(lit), None) => (&b.right, lit),
            _ => return,
        };
        if literal.trim().is_empty() {
            return;
        }
        let Some(value_text) = self.credential_operand(value) else {
            return;
        };
        let fact = LiteralCredentialCompare {
            span: sp(b.span),
            operator: b.operator.as_str().to_string(),
            value_text,
            literal: literal.to_string(),
        };
        self.cur_fn()
            .rare_mut()
            .literal_credential_compares
            .push(fact);
    }
}
