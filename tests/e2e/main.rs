//! The tests that run the real `sms-mfa` binary, one binary: headless
//! (`CARGO_BIN_EXE_sms-mfa`, or `SMS_MFA_TEST_BIN` for another build) and in
//! a pseudo-terminal (portable-pty + vt100, `tests/common/mod.rs`). The
//! in-process tests are in `tests/integration/`.
//!
//! Run one file's tests with a filter on its module: `cargo test --test e2e
//! sandbox::`. `.ci/run` runs `sandbox::` and `e2e::` again against the
//! release binary.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod codegen;
mod doctor;
mod e2e;
mod keyring;
mod pty;
mod sandbox;
mod send_test;
mod tenant;
mod tenant_apply;
