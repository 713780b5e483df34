//! Which SQL sinks DB003 reports: shared by DB003 and DB004 (which leaves
//! those to DB003).

use crate::formats::js::{ExportKind, FunctionId, JsFacts, SqlOrigin, SqlSink, ValueRef};
use crate::rules::support::sources::ModuleIndex;

/// Call-site hops followed from a parameter to its callers' values.
const MAX_CALLER_DEPTH: usize = 4;

/// Whether DB003 reports this sink: its argument is unsafe, and not merely
/// because of imported literal-only constants.
pub fn is_reported(index: &ModuleIndex<'_>, path: &str, facts: &JsFacts, sink: &SqlSink) -> bool {
    sink.class.is_unsafe()
        && (sink.imported_parts.is_empty()
            || !sink
                .imported_parts
                .iter()
                .all(|p| index.is_literal_import(path, facts, &p.value)))
}

/// Where the dynamic SQL of an unsafe sink comes from, its parameters
/// resolved through the callers ([`caller_origin`]): the strongest origin.
/// [`SqlOrigin::Constant`] when every part is constant at every call site.
pub fn sink_origin(
    index: &ModuleIndex<'_>,
    path: &str,
    facts: &JsFacts,
    sink: &SqlSink,
) -> SqlOrigin {
    if sink.origins.is_empty() {
        return SqlOrigin::Request;
    }
    sink.origins
        .iter()
        .map(|o| resolve(index, path, facts, sink.function, *o, 0))
        .max()
        .unwrap_or(SqlOrigin::Request)
}

fn resolve(
    index: &ModuleIndex<'_>,
    path: &str,
    facts: &JsFacts,
    function: FunctionId,
    origin: SqlOrigin,
    depth: usize,
) -> SqlOrigin {
    match origin {
        SqlOrigin::Param { index: at, whole } => {
            caller_origin(index, path, facts, function, at, whole, depth)
        }
        other => other,
    }
}

/// What parameter `at` of `function` receives at its call sites, in this
/// file and in the files that import it by name: the strongest of the
/// arguments' origins ([`SqlOrigin::Request`] when a caller cannot be
/// seen: no call site, a method, a name declared twice, a handler
/// registered by reference, a namespace import). A constant argument keeps
/// the parameter constant only where the parameter itself is spliced
/// (`whole`); `param.prop` of a constant object was set elsewhere.
fn caller_origin(
    index: &ModuleIndex<'_>,
    path: &str,
    facts: &JsFacts,
    function: FunctionId,
    at: u8,
    whole: bool,
    depth: usize,
) -> SqlOrigin {
    let Some(f) = facts.function(function) else {
        return SqlOrigin::Request;
    };
    let Some(name) = f.name.as_deref() else {
        return SqlOrigin::Request;
    };
    if depth >= MAX_CALLER_DEPTH
        || f.kind == crate::formats::js::FunctionKind::Method
        || facts.functions_named(name).count() != 1
    {
        return SqlOrigin::Request;
    }
    let mut sites: Vec<(&str, &JsFacts, String)> = vec![(path, facts, name.to_string())];
    let exported: Vec<&str> = facts
        .exports
        .iter()
        .filter(|e| {
            e.kind == ExportKind::Local && e.local.as_deref().unwrap_or(e.exported.as_str()) == name
        })
        .map(|e| e.exported.as_str())
        .collect();
    if facts
        .exports
        .iter()
        .any(|e| e.kind == ExportKind::Default && e.local.as_deref() == Some(name))
    {
        return SqlOrigin::Request;
    }
    for e in exported {
        for (p, other, local) in index.importers(path, e) {
            match local {
                Some(l) => sites.push((p, other, l)),
                None => return SqlOrigin::Request,
            }
        }
    }
    let mut best = None;
    for (p, file, local) in &sites {
        let by_reference = file.passed_names.iter().any(|n| n == local.as_str())
            || file.routes.iter().any(|r| {
                r.handlers
                    .iter()
                    .any(|h| matches!(&h.value, ValueRef::Identifier(n) if n == local))
            });
        if by_reference {
            return SqlOrigin::Request;
        }
        for (caller, call) in file.calls() {
            if call.callee != local.as_str() || call.is_new {
                continue;
            }
            let arg = match call.args.get(usize::from(at)) {
                Some(a) => *a,
                // No argument: `undefined`; fewer recorded than written
                // only after a spread, recorded as request input.
                None if call.args.is_empty() || !call.args.contains(&SqlOrigin::Request) => {
                    SqlOrigin::Constant
                }
                None => SqlOrigin::Request,
            };
            let o = match arg {
                SqlOrigin::Constant if !whole => SqlOrigin::Unproven,
                SqlOrigin::Param { index: j, whole: w } => {
                    caller_origin(index, p, file, caller.id, j, whole && w, depth + 1)
                }
                other => other,
            };
            best = Some(best.map_or(o, |b: SqlOrigin| b.max(o)));
            if best == Some(SqlOrigin::Request) {
                return SqlOrigin::Request;
            }
        }
    }
    best.unwrap_or(SqlOrigin::Request)
}
