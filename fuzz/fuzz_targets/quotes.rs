//! Quotation extraction and matching on arbitrary input: a note and a source (split at the
//! first U+001F; without one the note is its own source), the first byte choosing
//! `min_words` and Markdown or HTML. The body is shared with the property tests
//! (`tests/fuzz_logic/mod.rs`), which run it on stable in CI.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_logic/mod.rs"]
mod logic;

fuzz_target!(|data: &[u8]| {
    logic::run(data);
});
