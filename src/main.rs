//! Wiring only: the command line to [`sms_mfa::app::run`], its answer to
//! the exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    match sms_mfa::app::run(std::env::args_os().collect()) {
        Ok(code) => ExitCode::from(code),
        Err(refusal) => ExitCode::from(refusal.report()),
    }
}
