//! Admin work by what a route does, not by its path (AUTH003): the
//! evidence in its handler (and the helpers it calls, one level deep) or
//! its path.
//!
//! Only the handler's own link counts: middleware on `*` that creates the
//! schema on first use runs for every route and makes none of them admin.

use super::chain::handler_functions;
use crate::finding::FileId;
use crate::formats::js::{SqlClass, SqlEffect, UnsafeReason};
use crate::project::Project;
use crate::project::routes::{ResolvedRoute, ScopedFunction};
use crate::span::Span;

/// Calls (last segment, lower case) that destroy data: query-builder and
/// helper names for dropping or wiping tables and databases.
const DESTRUCTIVE_CALLS: &[&str] = &[
    "droptable",
    "droptables",
    "dropall",
    "dropalltables",
    "dropdatabase",
    "dropschema",
    "truncatetable",
    "truncatetables",
    "truncateall",
    "resetdatabase",
    "resetdb",
    "wipedatabase",
    "wipedb",
    "cleardatabase",
    "cleardb",
];

/// Calls that set the database up: migrations, seeding, table creation.
/// Many apps run them lazily in ordinary handlers, so alone they do not
/// make a route admin; they confirm a set-up path.
const SETUP_CALLS: &[&str] = &[
    "createtable",
    "createtables",
    "migrate",
    "runmigrations",
    "applymigrations",
    "migratelatest",
    "migratetolatest",
    "seed",
    "seeddatabase",
    "seeddb",
    "runseed",
    "runseeds",
    "initdatabase",
    "initializedatabase",
    "initdb",
    "initschema",
    "setupdatabase",
];

/// Path words that name set-up work on their own (`/init`, `/seed`).
const SETUP_WORDS: &[&str] = &[
    "init",
    "initialize",
    "initialise",
    "seed",
    "reset",
    "migrate",
    "migration",
    "migrations",
    "wipe",
];

/// Verbs that name set-up work when a database noun follows or precedes
/// them (`/create-tables`, `/drop_db`, `/db-reset`, `/run-migrations`).
const SETUP_VERBS: &[&str] = &[
    "init",
    "initialize",
    "initialise",
    "seed",
    "reset",
    "migrate",
    "wipe",
    "drop",
    "truncate",
    "create",
    "setup",
    "run",
    "clear",
];

/// Nouns that make such a verb a database operation.
const DB_NOUNS: &[&str] = &[
    "db",
    "database",
    "table",
    "tables",
    "schema",
    "data",
    "all",
    "migrations",
];

/// Segments that may come before the verb: API prefixes and versions,
/// database and operations namespaces. Any other segment (`/auth/reset`,
/// `/uploads/:id/init`) gives the verb another meaning.
const NEUTRAL_PREFIXES: &[&str] = &[
    "api",
    "db",
    "database",
    "dev",
    "internal",
    "system",
    "maintenance",
    "ops",
    "tools",
];

/// What the code of the handler shows, strongest last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum CodeWork {
    /// Migrations, seeding, `CREATE TABLE`.
    Setup,
    /// SQL text taken from the request.
    RequestSql,
    /// `DROP`, `TRUNCATE`, `DELETE` of every row, a wipe helper.
    Destructive,
}

/// Where the code evidence is.
pub(crate) struct Site {
    pub file: FileId,
    pub span: Span,
    pub what: String,
}

/// Why a route is an admin route by what it does.
pub(crate) struct AdminWork {
    code: Option<CodeWork>,
    /// The set-up or debug path segment.
    path: Option<String>,
    pub site: Option<Site>,
}

impl AdminWork {
    /// Shown by the code, or by the path and the code together.
    pub fn proven(&self) -> bool {
        match self.code {
            Some(CodeWork::Destructive | CodeWork::RequestSql) => true,
            Some(CodeWork::Setup) => self.path.is_some(),
            None => false,
        }
    }

    /// The message's middle: what the route does.
    pub fn describe(&self) -> String {
        let what = self.site.as_ref().map(|s| s.what.as_str()).unwrap_or("");
        match (self.code, &self.path) {
            (Some(CodeWork::Destructive), _) => format!("destroys data ({what})"),
            (Some(CodeWork::RequestSql), _) => {
                format!("runs SQL taken from the request ({what})")
            }
            (Some(CodeWork::Setup), Some(seg)) => {
                format!("is a set-up route (`{seg}`) that sets the database up ({what})")
            }
            (_, Some(seg)) if seg == "debug" => {
                "is a debug route by its path (`debug`)".to_string()
            }
            (_, Some(seg)) => format!("is a set-up route by its path (`{seg}`)"),
            (_, None) => "does admin work".to_string(),
        }
    }
}

/// The admin work a route does, if any: destructive or request-supplied
/// SQL in its handler, or a set-up/debug path (confirmed or not by set-up
/// calls in the handler).
/// Whether any function of the loaded batch does admin work in code: when
/// none does, only set-up paths need judging, and no route's chain has to
/// be walked (a shortcut: most projects have no such code at all).
pub(crate) fn batch_has_code_work(project: &Project) -> bool {
    project.js_files().any(|(file, _, facts)| {
        facts.functions.iter().any(|function| {
            !code_work(&ScopedFunction {
                file,
                facts,
                function,
                region: None,
                depth: 0,
            })
            .is_empty()
        })
    })
}

/// `code_in_batch`: [`batch_has_code_work`], asked once per batch.
pub(crate) fn of_route(
    project: &Project,
    route: &ResolvedRoute,
    code_in_batch: bool,
) -> Option<AdminWork> {
    let path = setup_segment(route);
    if !code_in_batch && path.is_none() {
        return None;
    }
    let mut best: Option<(CodeWork, Site)> = None;
    for s in handler_functions(project, route) {
        for (work, site) in code_work(&s) {
            if best.as_ref().is_none_or(|(b, _)| work > *b) {
                best = Some((work, site));
            }
        }
    }
    let (code, site) = match best {
        Some((w, s)) => (Some(w), Some(s)),
        None => (None, None),
    };
    let fires =
        matches!(code, Some(CodeWork::Destructive | CodeWork::RequestSql)) || path.is_some();
    fires.then_some(AdminWork { code, path, site })
}

/// The admin work one function of the handler does, with where.
fn code_work(s: &ScopedFunction<'_>) -> Vec<(CodeWork, Site)> {
    let mut out = Vec::new();
    let site = |span: Span, what: String| Site {
        file: s.file,
        span,
        what,
    };
    for sink in s
        .facts
        .sql_sinks
        .iter()
        .filter(|k| k.function == s.function.id && s.contains(k.span))
    {
        if sink.effect == Some(SqlEffect::Destructive) {
            let what = format!("`{}` drops or empties a table", sink.callee);
            out.push((CodeWork::Destructive, site(sink.span, what)));
        } else if !sink.written
            && matches!(
                sink.class,
                SqlClass::Unsafe {
                    reason: UnsafeReason::RequestInput,
                    ..
                }
            )
        {
            let what = format!("`{}` runs SQL text from the request", sink.callee);
            out.push((CodeWork::RequestSql, site(sink.span, what)));
        } else if sink.effect == Some(SqlEffect::Schema) {
            let what = format!("`{}` creates a table", sink.callee);
            out.push((CodeWork::Setup, site(sink.span, what)));
        }
    }
    for call in s.calls() {
        let method = call.method().to_ascii_lowercase();
        let work = if DESTRUCTIVE_CALLS.contains(&method.as_str()) {
            CodeWork::Destructive
        } else if SETUP_CALLS.contains(&method.as_str()) {
            CodeWork::Setup
        } else {
            continue;
        };
        out.push((work, site(call.span, format!("calls `{}`", call.callee))));
    }
    out
}

/// The words of a path segment: split at `-`, `_`, `.` and camelCase
/// humps, lower case.
fn words(segment: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in segment.chars() {
        if ch == '-' || ch == '_' || ch == '.' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_ascii_lowercase();
        cur.push(ch.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a segment names set-up work: one set-up word, or a set-up verb
/// with database nouns around it.
fn is_setup_segment(segment: &str) -> bool {
    let w = words(segment);
    let has = |list: &[&str], s: &String| list.contains(&s.as_str());
    match w.as_slice() {
        [one] => has(SETUP_WORDS, one),
        [verb, rest @ ..] if has(SETUP_VERBS, verb) => rest.iter().all(|r| has(DB_NOUNS, r)),
        [noun, verb] => has(DB_NOUNS, noun) && has(SETUP_VERBS, verb),
        _ => false,
    }
}

fn is_neutral(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    NEUTRAL_PREFIXES.contains(&lower.as_str())
        || lower
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The set-up or debug segment of the route's path: after neutral
/// prefixes only, `debug` (with anything under it) or a set-up segment
/// followed by nothing but parameters.
fn setup_segment(route: &ResolvedRoute) -> Option<String> {
    let segs: Vec<&str> = route
        .segments()
        .map(|s| s.trim_end_matches('*'))
        .filter(|s| !s.is_empty())
        .collect();
    let first = segs.iter().position(|s| !is_neutral(s))?;
    let seg = segs[first];
    if words(seg).first().is_some_and(|w| w == "debug") {
        return Some("debug".to_string());
    }
    let only_params = segs[first + 1..].iter().all(|s| s.starts_with(':'));
    (only_params && is_setup_segment(seg)).then(|| seg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_segments_need_a_database_meaning() {
        for seg in [
            "init",
            "seed",
            "reset",
            "migrate",
            "create-tables",
            "createTables",
            "drop_db",
            "db-reset",
            "run-migrations",
            "resetDatabase",
        ] {
            assert!(is_setup_segment(seg), "{seg}");
        }
        for seg in [
            "reset-password",
            "create",
            "drop",
            "create-post",
            "run",
            "seeds-of-change",
            "initial",
        ] {
            assert!(!is_setup_segment(seg), "{seg}");
        }
    }
}
