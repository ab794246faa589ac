//! Any text as an on-call schedule upload (see src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aftercare_fuzz::ical(data);
});
