//! The program: the command line in, an exit code (or a [`Refusal`] that
//! says why not) out. `main.rs` only reports it. One job a file: `dispatch`
//! (one `match` over the command), `start` (the home directory, the log),
//! `setup` (the real settings or the sandbox's), `headless` (the output
//! rules, the runtime), `wizard` (starting the TUI), `prompt` (questions
//! outside the wizard), `about` (version, completions, man) and `refusal`.

mod about;
mod dispatch;
mod headless;
mod prompt;
mod refusal;
mod setup;
mod start;
mod wizard;

pub use refusal::{ParseError, Refusal};

use crate::cli::Cli;
use clap::Parser;
use clap::error::ErrorKind;
use std::ffi::OsString;

/// Run sms-mfa with `args` (the program's name first): the exit code, or
/// the refusal to report.
pub fn run(args: Vec<OsString>) -> Result<u8, Refusal> {
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return Ok(0);
        }
        Err(error) => {
            return Err(Refusal::CommandLine {
                error: ParseError(error),
                json: args.iter().any(|a| a == "--json"),
            });
        }
    };
    if cli.version {
        return Ok(about::version(cli.json));
    }
    dispatch::dispatch(&cli, &args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::USAGE;

    fn run_with(args: &[&str]) -> Result<u8, Refusal> {
        run(args.iter().map(OsString::from).collect())
    }

    // Only refusals that come before anything is opened (the log, the
    // home directory) are run here; the rest is run as the binary in
    // tests/e2e/cli.rs.
    #[test]
    fn refusals_come_back_as_errors_with_their_exit_code() {
        let r = run_with(&["sms-mfa", "--nonsense", "--json"]).unwrap_err();
        assert!(
            matches!(r, Refusal::CommandLine { json: true, .. }),
            "{r:?}"
        );
        assert_eq!(r.code(), USAGE);
        let r = run_with(&["sms-mfa", "--profile", "../x", "status"]).unwrap_err();
        assert!(
            matches!(&r, Refusal::Usage { message, json: false } if message.contains("invalid profile name")),
            "{r:?}"
        );
        assert_eq!(r.code(), USAGE);
    }

    #[cfg(feature = "sandbox")]
    #[test]
    fn sandbox_with_a_real_settings_command_is_refused_before_it_runs() {
        for cmd in ["status", "profiles", "code"] {
            let mut args = vec!["sms-mfa", "--sandbox", "--json", cmd];
            if cmd == "code" {
                args.extend(["--provider", "twilio"]);
            }
            let r = run_with(&args).unwrap_err();
            assert!(
                matches!(&r, Refusal::Usage { message, json: true } if message.starts_with("--sandbox takes")),
                "{cmd}: {r:?}"
            );
        }
    }
}
