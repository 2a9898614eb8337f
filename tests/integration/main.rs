//! The in-process integration tests, one binary: the library called
//! directly (the screens, the catalog, the provider clients against
//! loopback fakes and the simulation, the property tests and the fuzzing).
//! The wizard's state machine is tested inside the crate
//! (`src/tui/wizard_tests.rs`, `cargo test --lib wizard_tests`). The tests
//! that run the real `sms-mfa` binary are in `tests/e2e/`. One binary
//! instead of one per file: each test crate links the library and every
//! dependency once more.
//!
//! Run one file's tests with a filter on its module: `cargo test --test
//! integration screens::`.

#[path = "../common/mod.rs"]
mod common;

mod catalog;
mod fuzz;
mod phone;
mod props;
mod providers;
mod sandbox_providers;
mod screens;
