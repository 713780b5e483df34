//! "Unwrap or bail" shapes that hand on a `Result`/`Option`'s value:
//! `match x { Ok(v) => v.to_string(), Err(_) => return ... }` and
//! `let Ok(v) = x else { return ... };`. A secret read through one of them
//! is still the secret (AUTH005).

use syn::{Expr, Pat};

/// Variants that carry the value (`Ok(v)`, `Some(v)`).
const VALUE_VARIANTS: &[&str] = &["Ok", "Some"];

/// Macros that never return.
const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];

/// The name bound by `Ok(v)` / `Some(v)`, if `p` is one.
pub(super) fn value_binding(p: &Pat) -> Option<String> {
    let Pat::TupleStruct(ts) = p else {
        return None;
    };
    let variant = ts.path.segments.last()?.ident.to_string();
    if !VALUE_VARIANTS.contains(&variant.as_str()) || ts.elems.len() != 1 {
        return None;
    }
    match ts.elems.first()? {
        Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.to_string()),
        _ => None,
    }
}

/// Whether evaluating `e` never yields a value: `return`, `break`,
/// `continue`, `panic!`-like macros, or a block ending in one.
fn diverges(e: &Expr) -> bool {
    match e {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => true,
        Expr::Macro(m) => m
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| DIVERGING_MACROS.contains(&s.ident.to_string().as_str())),
        Expr::Block(b) => b.block.stmts.last().is_some_and(|s| match s {
            syn::Stmt::Expr(e, _) => diverges(e),
            syn::Stmt::Macro(m) => m
                .mac
                .path
                .segments
                .last()
                .is_some_and(|s| DIVERGING_MACROS.contains(&s.ident.to_string().as_str())),
            _ => false,
        }),
        _ => false,
    }
}

/// The scrutinee of a `match` that yields the scrutinee's value: one arm
/// `Ok(v)`/`Some(v)` whose body is `v` (through `strip`, which removes
/// `.to_string()` and the like), every other arm diverging.
pub(super) fn unwrapped_scrutinee(
    m: &syn::ExprMatch,
    strip: impl Fn(&Expr) -> &Expr,
) -> Option<&Expr> {
    let mut yields = false;
    for arm in &m.arms {
        if arm.guard.is_none()
            && let Some(name) = value_binding(&arm.pat)
            && matches!(strip(&arm.body), Expr::Path(p) if p.path.is_ident(&name))
        {
            yields = true;
        } else if !diverges(&arm.body) {
            return None;
        }
    }
    yields.then_some(&*m.expr)
}
