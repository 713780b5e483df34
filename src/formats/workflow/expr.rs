//! `${{ ... }}` expressions and the context references inside them.

use super::offsets::OffsetMap;
use super::{ExprRef, Expression};
use crate::span::Span;

/// Every `${{ ... }}` in a scalar's value, spans mapped to the file.
pub(super) fn find_in(value: &str, map: &OffsetMap) -> Vec<Expression> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = value.get(from..).and_then(|s| s.find("${{")) {
        let open = from + rel;
        let inner_start = open + 3;
        let Some(inner_len) = closing(value.get(inner_start..).unwrap_or_default()) else {
            break;
        };
        let inner_end = inner_start + inner_len;
        let end = inner_end + 2;
        let text = value.get(inner_start..inner_end).unwrap_or_default().trim();
        out.push(Expression {
            text: text.to_string(),
            span: map.map_span(Span::new(open, end)),
            refs: refs(text),
        });
        from = end;
    }
    out
}

/// An expression made of a whole scalar (an `if:` without `${{ }}`).
pub(super) fn whole(value: &str, span: Span) -> Expression {
    let text = value.trim();
    Expression {
        text: text.to_string(),
        span,
        refs: refs(text),
    }
}

/// Length of the expression body up to its `}}`, skipping string literals.
fn closing(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' => {
                i += 1;
                // `''` inside a literal is an escaped quote.
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// One step of a property path.
#[derive(Debug, PartialEq, Eq)]
enum Part<'a> {
    Name(&'a str),
    /// Anything else (`[0]`, `[matrix.x]`, `.*`): the path is not static.
    Dynamic,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The context references (`secrets.X`, `steps.s.outputs.o`, ...) of an
/// expression.
pub(super) fn refs(expr: &str) -> Vec<ExprRef> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' {
            i = skip_string(b, i);
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let (parts, next) = path(expr, i);
            if let Some(r) = classify(&parts)
                && !out.contains(&r)
            {
                out.push(r);
            }
            i = next.max(i + 1);
        } else if is_name_byte(c) {
            // A number or the tail of something already skipped.
            while i < b.len() && is_name_byte(b[i]) {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Index just past the string literal starting at `i`.
fn skip_string(b: &[u8], i: usize) -> usize {
    let quote = b[i];
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == quote {
            if quote == b'\'' && b.get(j + 1) == Some(&b'\'') {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// Reads `name(.name | ['name'] | [...])*` from `start`.
fn path(expr: &str, start: usize) -> (Vec<Part<'_>>, usize) {
    let b = expr.as_bytes();
    let mut parts = Vec::new();
    let mut i = start;
    let name_end = |from: usize| {
        let mut j = from;
        while j < b.len() && is_name_byte(b[j]) {
            j += 1;
        }
        j
    };
    let end = name_end(i);
    parts.push(Part::Name(&expr[i..end]));
    i = end;
    loop {
        let j = i;
        match b.get(j) {
            Some(b'.') => {
                let s = j + 1;
                let e = name_end(s);
                if e == s {
                    parts.push(Part::Dynamic);
                    return (parts, (s + 1).min(b.len()));
                }
                parts.push(Part::Name(&expr[s..e]));
                i = e;
            }
            Some(b'[') => {
                let mut k = j + 1;
                while k < b.len() && b[k] == b' ' {
                    k += 1;
                }
                if let Some(&q) = b.get(k).filter(|&&q| q == b'\'' || q == b'"') {
                    let close = expr[k + 1..].find(q as char).map(|r| k + 1 + r);
                    let after = close.map(|c| {
                        let mut m = c + 1;
                        while m < b.len() && b[m] == b' ' {
                            m += 1;
                        }
                        m
                    });
                    if let (Some(c), Some(m)) = (close, after)
                        && b.get(m) == Some(&b']')
                    {
                        parts.push(Part::Name(&expr[k + 1..c]));
                        i = m + 1;
                        continue;
                    }
                }
                // A computed index: the path ends here; its inside is
                // scanned as ordinary expression text.
                parts.push(Part::Dynamic);
                return (parts, j + 1);
            }
            _ => return (parts, i),
        }
    }
}

fn classify(parts: &[Part<'_>]) -> Option<ExprRef> {
    let name = |i: usize| match parts.get(i) {
        Some(Part::Name(n)) => Some(*n),
        _ => None,
    };
    let is = |i: usize, word: &str| name(i).is_some_and(|n| n.eq_ignore_ascii_case(word));
    let context = name(0)?;
    if context.eq_ignore_ascii_case("secrets") {
        Some(ExprRef::Secret(name(1)?.to_string()))
    } else if context.eq_ignore_ascii_case("env") {
        Some(ExprRef::Env(name(1)?.to_string()))
    } else if context.eq_ignore_ascii_case("vars") {
        Some(ExprRef::Var(name(1)?.to_string()))
    } else if context.eq_ignore_ascii_case("steps") && is(2, "outputs") {
        Some(ExprRef::StepOutput {
            step: name(1)?.to_string(),
            output: name(3)?.to_string(),
        })
    } else if context.eq_ignore_ascii_case("needs") && is(2, "outputs") {
        Some(ExprRef::JobOutput {
            job: name(1)?.to_string(),
            output: name(3)?.to_string(),
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> ExprRef {
        ExprRef::Secret(s.into())
    }

    #[test]
    fn finds_all_reference_kinds() {
        let r = refs(
            "secrets.A || secrets['B'] || secrets[\"C\"] && steps.build-1.outputs.url != needs.setup.outputs.sha",
        );
        assert_eq!(
            r,
            vec![
                secret("A"),
                secret("B"),
                secret("C"),
                ExprRef::StepOutput {
                    step: "build-1".into(),
                    output: "url".into()
                },
                ExprRef::JobOutput {
                    job: "setup".into(),
                    output: "sha".into()
                },
            ]
        );
        assert_eq!(
            refs("format('{0}-{1}', env.STAGE, vars.REGION)"),
            vec![ExprRef::Env("STAGE".into()), ExprRef::Var("REGION".into())]
        );
    }

    #[test]
    fn ignores_strings_and_nested_properties() {
        assert!(refs("'secrets.X' == github.event.inputs.env").is_empty());
        assert!(refs("github.secrets.X || inputs.vars").is_empty());
        assert!(refs("secrets[matrix.name]").is_empty());
        assert_eq!(
            refs("fromJSON(needs.a.outputs['m'])[secrets.K]"),
            vec![
                ExprRef::JobOutput {
                    job: "a".into(),
                    output: "m".into()
                },
                secret("K")
            ]
        );
        assert!(refs("steps.x.conclusion == 'success'").is_empty());
        assert_eq!(refs("secrets.A == secrets.A"), vec![secret("A")]);
    }

    #[test]
    fn finds_expressions_in_a_value() {
        let value = "a ${{ secrets.ONE }} b ${{ format('}}', env.X) }} ${{ unterminated";
        let map = OffsetMap::identity(100, value.len());
        let found = find_in(value, &map);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].text, "secrets.ONE");
        assert_eq!(
            found[0].span,
            Span::new(102, 102 + "${{ secrets.ONE }}".len())
        );
        assert_eq!(found[0].refs, vec![secret("ONE")]);
        assert_eq!(found[1].text, "format('}}', env.X)");
        assert_eq!(found[1].refs, vec![ExprRef::Env("X".into())]);
    }
}
