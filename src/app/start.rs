//! What every command that reads settings (and the wizard) does first:
//! refuse `--sandbox` where it does not apply and a bad profile name, find
//! the home directory, open the log and send panics to it.

use super::Refusal;
use crate::cli::Cli;
use crate::config::{self, Paths};
use crate::sanitize::sanitize;

/// Where the run's files are, and the log kept open until it ends.
pub struct Start {
    pub paths: Paths,
    /// Why logging is off, when it is (the wizard shows it; a command has
    /// said it on standard error).
    pub notice: Option<String>,
    _log: Option<tracing_appender::non_blocking::WorkerGuard>,
}

impl Start {
    /// `sandboxed`: whether the command takes `--sandbox` (the wizard and
    /// the commands that read a provider or the tenant); the others work
    /// on real settings only and refuse it, so that a stored secret or a
    /// real profile is never used by someone who thinks it is the sandbox.
    #[cfg_attr(not(feature = "sandbox"), allow(unused_variables))]
    pub fn new(cli: &Cli, sandboxed: bool) -> Result<Start, Refusal> {
        #[cfg(feature = "sandbox")]
        if cli.sandbox && !sandboxed {
            return Err(Refusal::Usage {
                message: "--sandbox takes the wizard, doctor, send-test, check-credentials, list-senders, trace, logs and tenant check/apply/try/connect/disconnect; this command works on real settings only. Nothing was run.".into(),
                json: cli.json,
            });
        }
        if let Err(e) = config::check_profile_name(&cli.profile) {
            return Err(Refusal::Usage {
                message: e.to_string(),
                json: cli.json,
            });
        }
        let Some(paths) = Paths::from_platform() else {
            return Err(Refusal::Input {
                message: "cannot find a home directory for the config and data files; set HOME."
                    .into(),
                json: cli.json,
            });
        };
        let log = crate::logging::init(&paths, &cli.log_level);
        // A panic goes to the log file too (the terminal is restored first
        // by ratatui's own hook when the wizard runs), then to standard
        // error as Rust prints it.
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            tracing::error!(panic = %sanitize(&info.to_string()), "panic");
            print(info);
        }));
        let (log, notice) = match log {
            Ok((guard, file)) => {
                tracing::info!(version = env!("CARGO_PKG_VERSION"), log = %file.display(), "starting");
                (Some(guard), None)
            }
            Err(e) => {
                let text = format!("Logging is off: {e}.");
                // Headless: said on standard error; the wizard shows it.
                if cli.command.is_some() && !cli.quiet {
                    eprintln!("sms-mfa: warning: {}", sanitize(&text));
                }
                (None, Some(text))
            }
        };
        Ok(Start {
            paths,
            notice,
            _log: log,
        })
    }
}
