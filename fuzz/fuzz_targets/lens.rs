//! Any text through the language lens: Markdown masking, then the rules (see src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aftercare_fuzz::lens(data);
});
