//! `data/migration.yaml` through its loader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The loaders read files as UTF-8; other bytes are an IO error before any parsing.
    if let Ok(text) = std::str::from_utf8(data) {
        cutover::fuzzing::migration(text);
    }
});
