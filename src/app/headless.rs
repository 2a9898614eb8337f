//! How every headless command runs: its output through the sanitizer,
//! `--quiet`, and `--json`'s promise of one JSON object on standard output,
//! errors included; the async ones on a small runtime, with the settings
//! (real, or the sandbox's) set up first.

use super::Refusal;
use super::setup::Setup;
use super::start::Start;
use crate::cli::{Cli, Command};
use crate::commands::{FAILURE, output};
use crate::ops::Ctx;
use crate::sanitize::Sanitized;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Run a headless command with the output rules of every command.
pub fn headless(
    cli: &Cli,
    run: impl FnOnce(&mut dyn Write, &mut dyn Write) -> std::io::Result<u8>,
) -> u8 {
    headless_with(cli, false, run)
}

/// The same, with colour allowed through (`colour`: the command colours
/// and the terminal takes it).
fn headless_with(
    cli: &Cli,
    colour: bool,
    run: impl FnOnce(&mut dyn Write, &mut dyn Write) -> std::io::Result<u8>,
) -> u8 {
    let raw: Box<dyn Write> = if cli.json {
        Box::new(Sanitized::json(std::io::stdout()))
    } else if colour {
        Box::new(Sanitized::allowing_colour(std::io::stdout()))
    } else {
        Box::new(Sanitized::new(std::io::stdout()))
    };
    let mut out = output::Out::new(raw, cli.quiet && !cli.json);
    let mut err = output::Err::new(Sanitized::new(std::io::stderr()));
    // A closed pipe (`| head`) is not worth a second error.
    let code = run(&mut out, &mut err).unwrap_or(FAILURE);
    let _ = output::finish(cli.json, code, &mut out, &mut err);
    code
}

/// What an async command works with.
pub struct Job<'a> {
    pub ctx: Ctx<'a>,
    /// `--no-input`, or CI=true in the command's environment.
    pub no_input: bool,
    /// Colour on standard output.
    pub colour: bool,
}

/// `send-test`, `check-credentials`, `list-senders`, `doctor`, `trace`,
/// `logs` and `tenant …` (all of which take `--sandbox`): the start, the
/// settings set up (with `--sandbox`, the simulations started), then `run`
/// on a small runtime. `colours`: the command colours its text on a
/// terminal (unless NO_COLOR).
pub fn on_runtime(
    cli: &Cli,
    cmd: &Command,
    colours: bool,
    run: impl AsyncFnOnce(&Job<'_>, &mut dyn Write, &mut dyn Write) -> std::io::Result<u8>,
) -> Result<u8, Refusal> {
    let start = Start::new(cli, true)?;
    let runtime = runtime()?;
    let setup = Setup::new(cli, start.paths.clone(), &runtime, cmd)?;
    let colour =
        colours && !cli.json && output::colour(std::io::stdout().is_terminal(), &*setup.env);
    let job = Job {
        ctx: setup.ctx(),
        no_input: output::no_input(cli.no_input, &*setup.env),
        colour,
    };
    let code = headless_with(cli, colour, |out, err| {
        runtime.block_on(run(&job, out, err))
    });
    drop(setup);
    runtime.shutdown_timeout(Duration::from_millis(200));
    Ok(code)
}

/// A small single-threaded runtime.
pub fn runtime() -> Result<tokio::runtime::Runtime, Refusal> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Refusal::Runtime)
}
