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

pub use refusal::Refusal;

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
                error,
                json: args.iter().any(|a| a == "--json"),
            });
        }
    };
    if cli.version {
        return Ok(about::version(cli.json));
    }
    dispatch::dispatch(&cli, &args)
}
