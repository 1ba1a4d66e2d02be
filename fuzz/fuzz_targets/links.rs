//! Any bytes as a page of a small site, through the link checker.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cutover::fuzzing::links(data);
});
