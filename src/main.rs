//! Wiring only: parse the command line, set up logging and the runtime, run.

use clap::Parser;
use sms_mfa::checklist::Checklist;
use sms_mfa::cli::Cli;
use sms_mfa::config::{self, Paths};
use sms_mfa::providers::Catalog;
use sms_mfa::tui::{self, Exit};
use sms_mfa::wizard::Wizard;
use std::process::ExitCode;

/// Exit codes: 0 ok, 1 operational failure, 2 usage or invalid input.
const FAILURE: u8 = 1;
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = config::check_profile_name(&cli.profile) {
        eprintln!("sms-mfa: {e}");
        return ExitCode::from(USAGE);
    }
    let Some(paths) = Paths::from_platform() else {
        eprintln!("sms-mfa: cannot find a home directory for the config and data files; set HOME.");
        return ExitCode::from(FAILURE);
    };
    let _ = color_eyre::install();
    let log = sms_mfa::logging::init(&paths, &cli.log_level);
    let mut notice = None;
    match &log {
        Ok((_, file)) => {
            tracing::info!(version = env!("CARGO_PKG_VERSION"), log = %file.display(), "starting")
        }
        Err(e) => notice = Some(format!("Logging is off: {e}.")),
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        eprintln!("sms-mfa: the wizard needs a terminal; run it in one (see --help).");
        return ExitCode::from(USAGE);
    }
    let loaded = config::load(&paths, &cli.profile);
    let notice = loaded.notice.or(notice);
    let wizard = Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        &cli.profile,
        loaded.profile,
        notice,
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sms-mfa: cannot start the async runtime: {e}");
            return ExitCode::from(FAILURE);
        }
    };
    match runtime.block_on(tui::run(wizard, paths)) {
        Ok(Exit::Quit) => ExitCode::SUCCESS,
        Ok(Exit::Signal(n)) => {
            tracing::info!(signal = n, "ended by signal");
            ExitCode::from(128 + n as u8)
        }
        Err(e) => {
            eprintln!("sms-mfa: terminal error: {e}");
            ExitCode::from(FAILURE)
        }
    }
}
