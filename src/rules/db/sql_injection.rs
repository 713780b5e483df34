//! DB003 sql-injection: the doc lives in rules/DB003.md.
//!
//! The extractor classifies each sink argument within its own file; the one
//! thing it cannot judge is an imported binding, which is resolved here
//! through the exporting file's literal-only constants.

use crate::finding::{Finding, Severity};
use crate::formats::js::{SqlClass, SqlOrigin, UnsafeReason};
use crate::project::Project;
use crate::rules::support::sources::{ModuleIndex, source_files};
use crate::rules::support::sql::{is_reported, sink_origin};
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "DB003",
    "sql-injection",
    Error,
    "SQL built by interpolation reaches a query sink",
    "pass values as bound parameters: `.prepare('... WHERE id = ?1').bind(id)`",
    reach = Runtime,
);

pub struct SqlInjection;

/// The fix that fits the sink's API.
fn help_for(method: &str) -> &'static str {
    match method {
        "unsafe" => {
            "use the tagged template (sql`... WHERE id = ${id}`), which binds every substitution"
        }
        "$queryRawUnsafe" | "$executeRawUnsafe" => {
            "use the tagged `$queryRaw`/`$executeRaw` template, or pass values as extra arguments (`$1`, `$2`)"
        }
        "raw" => {
            "build the query with the tagged template (Prisma.sql`...`, sql`...`) so values are bound"
        }
        "query" => "pass values as parameters: `query('... WHERE id = $1', [id])`",
        _ => META.help,
    }
}

impl Rule for SqlInjection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let index = ModuleIndex::new(project);
        for (id, file, facts) in source_files(project) {
            for sink in &facts.sql_sinks {
                if !is_reported(&index, &file.path, facts, sink) {
                    continue;
                }
                let SqlClass::Unsafe {
                    reason,
                    span,
                    detail,
                    via_binding,
                } = &sink.class
                else {
                    continue;
                };
                // An error needs request input reaching the text; dynamic
                // text from stored data or an unknown source is a warning;
                // text constant at every call site is not reported.
                let origin = sink_origin(&index, &file.path, facts, sink);
                let (severity, source) = match origin {
                    SqlOrigin::Constant => continue,
                    SqlOrigin::Request | SqlOrigin::Param { .. } => (Severity::Error, ""),
                    SqlOrigin::Stored => (
                        Severity::Warning,
                        "; it comes from the database, not from the request (second-order data: bind it anyway)",
                    ),
                    SqlOrigin::Unproven => (
                        Severity::Warning,
                        "; nothing shows it comes from the request (bind it anyway)",
                    ),
                };
                let through = via_binding
                    .as_deref()
                    .map(|b| format!(" (through `{b}`)"))
                    .unwrap_or_default();
                let message = match reason {
                    UnsafeReason::Interpolation => format!(
                        "`{detail}` is interpolated into SQL passed to `{}`{through}",
                        sink.callee
                    ),
                    UnsafeReason::Concatenation => format!(
                        "`{detail}` is concatenated into SQL passed to `{}`{through}",
                        sink.callee
                    ),
                    UnsafeReason::RequestInput => format!(
                        "`{detail}` carries request input into SQL passed to `{}`{through}",
                        sink.callee
                    ),
                };
                // The offending part when it sits in the argument itself; the
                // argument when it came through a local binding.
                let at = if sink.arg_span.start <= span.start && span.end <= sink.arg_span.end {
                    *span
                } else {
                    sink.arg_span
                };
                out.push(
                    Finding::new(&META, id, at)
                        .message(format!("{message}{source}"))
                        .help(help_for(&sink.method))
                        .severity(severity),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::support::sources::run_rule_on;

    #[test]
    fn imported_constants_resolve_through_the_exporting_file() {
        let files = [
            (
                "src/schema.ts",
                "export const COLS = ['id', 'name'].join(', ')\nexport const TABLE = 'users'\nexport let MUTABLE = 'x'\nexport const DYN = process.env.T\n",
            ),
            (
                "src/reexport.ts",
                "export { TABLE as T2 } from './schema'\nexport * from './schema'\n",
            ),
            (
                "src/index.ts",
                r#"import { COLS, TABLE, MUTABLE, DYN } from './schema.js'
import * as S from './schema'
import { T2, COLS as C3 } from './reexport'
import { EXT } from 'some-package'
export async function h(db, id) {
  await db.prepare(`SELECT ${COLS} FROM ${TABLE} WHERE id = ?`).bind(id).first()
  await db.prepare(`SELECT * FROM ${S.TABLE}`).all()
  await db.prepare(`SELECT ${C3} FROM ${T2}`).all()
  await db.prepare(`SELECT * FROM ${MUTABLE}`).all()
  await db.prepare(`SELECT * FROM ${DYN}`).all()
  await db.prepare(`SELECT * FROM ${EXT}`).all()
  await db.prepare(`SELECT ${COLS} FROM t WHERE id = ${id}`).all()
}
"#,
            ),
            (
                "src/index.test.ts",
                "export const f = (db, id) => db.prepare(`SELECT * FROM t WHERE id = ${id}`)\n",
            ),
        ];
        let got = run_rule_on(&SqlInjection, &files, Config::default());
        let lines: Vec<(&str, usize, &str)> = got
            .iter()
            .map(|(p, l, s)| (p.as_str(), *l, s.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("src/index.ts", 9, "MUTABLE"),
                ("src/index.ts", 10, "DYN"),
                ("src/index.ts", 11, "EXT"),
                ("src/index.ts", 12, "id"),
            ]
        );
        let config = Config {
            include_tests: true,
            ..Config::default()
        };
        let got = run_rule_on(&SqlInjection, &files, config);
        assert!(got.iter().any(|(p, _, _)| p == "src/index.test.ts"));
    }
}
