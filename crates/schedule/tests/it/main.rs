//! One test binary (linking several is slow on the shared build machine).

// clippy.toml allows unwrap inside #[test] functions only; the helpers here are test code too.
#![allow(clippy::unwrap_used)]

mod behaviour;
mod fixtures;
mod limits;
mod props;
#[path = "../../../../tests/support/real_data.rs"]
mod real_data;
