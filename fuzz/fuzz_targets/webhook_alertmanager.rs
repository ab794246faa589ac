//! A delivery to a alertmanager integration: verify, delivery id and parse (see src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aftercare_fuzz::webhook(aftercare_webhooks::Source::Alertmanager, data);
});
