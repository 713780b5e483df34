#![no_main]
//! Any text must come back as a model or a ParseFailure, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Files that are not UTF-8 never reach the parsers (they are a skip
    // note or PF000 before parsing), so only text is interesting here.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = preflight::formats::prisma::PrismaSchema::parse(text);
        let _ = preflight::formats::prisma::PrismaSchema::parse_config_ts(text);
    }
});
