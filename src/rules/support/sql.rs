//! Which SQL sinks DB003 reports: shared by DB003 and DB004 (which leaves
//! those to DB003).

use crate::formats::js::{JsFacts, SqlSink};
use crate::rules::support::sources::ModuleIndex;

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
