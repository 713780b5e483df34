//! DB004 sql-string-interpolation: the doc lives in rules/DB004.md.

use crate::finding::Finding;
use crate::formats::js::{JsFacts, SqlClass, SqlFlow, SqlString, SqlStringKind};
use crate::project::Project;
use crate::rules::support::sources::{ModuleIndex, source_files};
use crate::rules::support::sql;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "DB004",
    "sql-string-interpolation",
    Warning,
    "SQL text is built by string interpolation or concatenation",
    "build SQL from constant text and bind every value as a parameter",
    reach = Runtime,
);

pub struct SqlStringInterpolation;

/// Whether DB003 already speaks for this string: it reaches a sink (DB003
/// judges the sink), or a reported sink's argument holds it.
fn covered_by_db003(index: &ModuleIndex<'_>, path: &str, facts: &JsFacts, s: &SqlString) -> bool {
    if s.flows.iter().all(|f| *f == SqlFlow::Sink) && !s.flows.is_empty() {
        return true;
    }
    facts.sql_sinks.iter().any(|sink| {
        let inside = sink.arg_span.start <= s.span.start && s.span.end <= sink.arg_span.end;
        let same_offender =
            matches!(&sink.class, SqlClass::Unsafe { span, .. } if *span == s.offending);
        (inside || same_offender) && sql::is_reported(index, path, facts, sink)
    })
}

impl Rule for SqlStringInterpolation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let index = ModuleIndex::new(project);
        for (id, file, facts) in source_files(project) {
            for s in &facts.sql_strings {
                if s.only_descriptive() || covered_by_db003(&index, &file.path, facts, s) {
                    continue;
                }
                if !s.imported_parts.is_empty()
                    && s.imported_parts
                        .iter()
                        .all(|p| index.is_literal_import(&file.path, facts, &p.value))
                {
                    continue;
                }
                let how = match s.kind {
                    SqlStringKind::Template => "interpolation",
                    SqlStringKind::Concatenation => "concatenation",
                };
                out.push(Finding::new(&META, id, s.offending).message(format!(
                    "SQL text `{}` is built by {how} of a non-constant value",
                    s.preview
                )));
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
    fn reports_sql_text_that_is_not_a_sink_argument_or_descriptive() {
        let files = [
            ("src/consts.ts", "export const TABLE = 'users'\n"),
            (
                "src/index.ts",
                r#"import { TABLE } from './consts'
export function build(table, id) {
  const q = 'SELECT * FROM ' + table + ' WHERE id = ' + id
  return q
}
export function fine(id) {
  return `SELECT * FROM ${TABLE} WHERE id = ?`
}
export function logs(table) {
  console.log(`DELETE FROM ${table} WHERE 1`)
  throw new Error(`UPDATE ${table} SET x = 1 failed`)
}
export async function sink(db, table) {
  const q = `SELECT * FROM ${table}`
  return db.prepare(q).all()
}
export async function direct(db, table) {
  return db.prepare(`SELECT * FROM ${table}`).all()
}
"#,
            ),
        ];
        let got = run_rule_on(&SqlStringInterpolation, &files, Config::default());
        let lines: Vec<(usize, &str)> = got.iter().map(|(_, l, s)| (*l, s.as_str())).collect();
        assert_eq!(lines, vec![(3, "table")]);
    }
}
