//! Short inputs made long (one run-on sentence, many paragraphs) through the language lens,
//! whole and in parts: positions stay right and time stays linear (see src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aftercare_fuzz::lens_scale(data);
});
