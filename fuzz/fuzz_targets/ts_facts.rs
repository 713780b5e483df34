#![no_main]
//! Any text must come back as a model or a ParseFailure, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Files that are not UTF-8 never reach the parsers (they are a skip
    // note or PF000 before parsing), so only text is interesting here.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(facts) = preflight::formats::js::extract(text, "src/fuzz.ts") {
            // Compaction asks which callees matter: alternate the answer.
            let _ = facts.compact(|callee| callee.len() % 2 == 0);
        }
    }
});
