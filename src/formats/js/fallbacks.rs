//! Success reported when the work failed: `catch { return { success: true } }`
//! and `if (config.fallback_on_error) return { success: true }` (AUTH006
//! asks this of verification functions).

use oxc_ast::ast::{CatchClause, Expression, IfStatement};
use oxc_span::GetSpan;

use super::env_reads::{outcome_of, outcome_of_list};
use super::expr::{member_parts, sp, unwrap};
use super::visitor::Extractor;
use super::{MissingOutcome, SuccessFallback};

/// Parts of a flag's name (lower-cased, without `_`/`-`) that say "let it
/// through when the check fails".
const FALLBACK_FLAG_PARTS: &[&str] = &["fallback", "failopen", "onerror", "bypassonfailure"];

/// Whether the test is a flag named like a fail-open switch.
fn fallback_flag(test: &Expression<'_>) -> bool {
    let u = unwrap(test);
    let name = match u {
        Expression::Identifier(id) => id.name.as_str(),
        _ => match member_parts(u) {
            Some((_, prop, _)) => prop,
            None => return false,
        },
    };
    let flat: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    FALLBACK_FLAG_PARTS.iter().any(|p| flat.contains(p))
}

impl<'a> Extractor<'a> {
    fn push_fallback(&mut self, span: Option<oxc_span::Span>, when: String) {
        if let Some(span) = span {
            self.cur_fn()
                .rare_mut()
                .success_fallbacks
                .push(SuccessFallback {
                    span: sp(span),
                    when,
                });
        }
    }

    pub(super) fn fallback_on_catch(&mut self, c: &'a CatchClause<'a>) {
        let (outcome, at) = outcome_of_list(c.body.body.iter());
        if outcome == MissingOutcome::ReturnsSuccess {
            self.push_fallback(at, "catch".to_string());
        }
    }

    pub(super) fn fallback_on_if(&mut self, s: &'a IfStatement<'a>) {
        if !fallback_flag(&s.test) {
            return;
        }
        let (outcome, at) = outcome_of(&s.consequent);
        if outcome == MissingOutcome::ReturnsSuccess {
            let flag = self.snippet(s.test.span());
            self.push_fallback(at, flag);
        }
    }
}
