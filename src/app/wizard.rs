//! Starting the wizard: the sandbox's scenario, the checks that there is a
//! terminal and permission to ask, the profile chooser, the claim on the
//! profile; then the TUI, and how it ended as the exit code.

use super::Refusal;
use super::headless::runtime;
use super::prompt;
use super::start::Start;
use crate::checklist::Checklist;
use crate::cli::Cli;
use crate::config;
use crate::providers::Catalog;
use crate::tui::{self, Exit};
use crate::wizard::Wizard;
use crate::wizard::chooser::Chosen;
use std::io::IsTerminal;
use std::time::Duration;

/// Whether `--profile` (or SMS_MFA_PROFILE) was given: then no profile
/// chooser.
pub fn profile_given(args: &[std::ffi::OsString]) -> bool {
    use clap::CommandFactory;
    Cli::command()
        .try_get_matches_from(args)
        .ok()
        .and_then(|m| m.value_source("profile"))
        .is_some_and(|s| s != clap::parser::ValueSource::DefaultValue)
}

/// The wizard (or, with `--sandbox`, the wizard against the simulations).
pub fn run(cli: &Cli, start: Start, no_input: bool, profile_given: bool) -> Result<u8, Refusal> {
    #[cfg(feature = "sandbox")]
    let scenario = if cli.sandbox {
        let all = crate::sandbox::Scenarios::builtin();
        match cli.scenario.as_deref() {
            Some("help") => {
                print!("{}", all.help());
                return Ok(0);
            }
            Some(name) => match all.get(name) {
                Some(s) => Some(s),
                None => {
                    return Err(Refusal::UnknownScenario {
                        name: name.to_string(),
                        help: all.help(),
                    });
                }
            },
            None => Some(all.default_scenario()),
        }
    } else {
        None
    };
    // The wizard is interactive: --no-input refuses it. CI=true alone does
    // not, when there is a terminal (a person at a pseudo-terminal).
    if cli.no_input {
        return Err(Refusal::Input {
            message: "the wizard asks questions, and --no-input forbids that. Use the subcommands instead: sms-mfa doctor, send-test, check-credentials, tenant check, tenant apply --apply, and secrets set with the value on standard input.".into(),
            json: cli.json,
        });
    }
    if !std::io::stdout().is_terminal() {
        return Err(Refusal::Input {
            message:
                "the wizard needs a terminal; run it in one (see --help), or use the subcommands."
                    .into(),
            json: cli.json,
        });
    }
    let Start { paths, notice, .. } = &start;
    #[cfg(feature = "sandbox")]
    if let Some(scenario) = scenario {
        return sandbox(paths.clone(), scenario, notice.clone());
    }
    // More than one profile and none named: which one (or a new one).
    let mut profile = cli.profile.clone();
    // (Only the folder is read first: loading a profile moves a corrupt
    // one aside, and the wizard's own load must be the one that says so.)
    if !profile_given && crate::commands::profiles::names(paths).len() > 1 {
        let rows = crate::commands::profiles::chooser_rows(paths);
        let chooser = crate::wizard::chooser::Chooser::new(rows, &cli.profile);
        match tui::chooser::run(chooser).map_err(Refusal::Chooser)? {
            Chosen::Profile(name) | Chosen::New(name) => profile = name,
            Chosen::Quit => return Ok(0),
        }
    }
    // One wizard per profile: a second one may look, read-only, or quit.
    let (_claim, read_only) = match config::claim_wizard(paths, &profile) {
        Ok(config::Claim::Mine(lock)) => (Some(lock), None),
        Ok(config::Claim::InUse(pid)) => match prompt::open_read_only(&profile, pid, no_input)? {
            Some(note) => (None, Some(note)),
            None => return Ok(0),
        },
        Err(e) => {
            eprintln!(
                "sms-mfa: cannot claim profile {} ({e}); continuing without the claim.",
                profile
            );
            (None, None)
        }
    };
    let loaded = config::load(paths, &profile);
    let notice = read_only.clone().or(loaded.notice).or(notice.clone());
    let session = config::Session::new(loaded.profile.clone(), read_only.is_some());
    let wizard = Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        &profile,
        loaded.profile,
        notice,
    );
    let runtime = runtime()?;
    let mut services = tui::Services::os(paths.clone(), Catalog::builtin());
    services.session = std::sync::Arc::new(session);
    let result = runtime.block_on(tui::run(wizard, services));
    // A keyring call that is still waiting (at most its timeout) must not
    // hold the exit up.
    runtime.shutdown_timeout(Duration::from_millis(200));
    ended(result)
}

/// How the wizard ended, as the process's exit code.
fn ended(result: std::io::Result<Exit>) -> Result<u8, Refusal> {
    match result.map_err(Refusal::Terminal)? {
        Exit::Quit => Ok(0),
        Exit::Signal(n) => {
            tracing::info!(signal = n, "ended by signal");
            Ok(128 + n as u8)
        }
    }
}

/// `--sandbox`: start the simulated APIs, then the wizard against them, with
/// the sandbox's own profile (started afresh) and keyring service.
#[cfg(feature = "sandbox")]
fn sandbox(
    paths: crate::config::Paths,
    scenario: &crate::sandbox::Scenario,
    notice: Option<String>,
) -> Result<u8, Refusal> {
    use crate::secrets::{MemoryStore, OsKeyring, SANDBOX_SERVICE, SecretStore};
    use std::sync::Arc;
    // Always the sandbox's own profile: a real one (--profile,
    // SMS_MFA_PROFILE) is never written.
    let profile_name = crate::sandbox::PROFILE.to_string();
    // Every sandbox run starts at step 1.
    config::save(&paths, &profile_name, &config::Profile::default())
        .map_err(Refusal::SandboxProfile)?;
    let runtime = runtime()?;
    // The sandbox's own keyring entries; memory when no keyring answers.
    let keyring = OsKeyring::with_service(SANDBOX_SERVICE);
    let (store, memory_only): (Arc<dyn SecretStore>, Option<String>) = match keyring
        .get("sandbox/probe")
    {
        Ok(_) => (Arc::new(keyring), None),
        Err(e) => (
            Arc::new(MemoryStore::new()),
            Some(format!(
                "No OS keyring ({}): sandbox secrets are kept in memory and gone when you quit.",
                e.kind()
            )),
        ),
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let result = runtime.block_on(async {
        let on_delivery: crate::sandbox::providers::OnDelivery = Arc::new(move |d| {
            let _ = tx.send(crate::wizard::Msg::SandboxDelivered(d));
        });
        let sandbox = crate::sandbox::Sandbox::start(scenario, Some(on_delivery)).await;
        tracing::info!(scenario = %scenario.name, providers = %sandbox.providers.uri(),
            tenant = %sandbox.tenant.uri(), "sandbox started");
        let overlay = sandbox.env();
        let mut services = tui::Services::os(paths, Catalog::builtin());
        services.store = store;
        services.env = Arc::new(crate::sandbox::lookup(
            overlay,
            crate::settings::process_env,
        ));
        let mut wizard = Wizard::new(
            Catalog::builtin(),
            Checklist::builtin(),
            &profile_name,
            config::Profile::default(),
            notice,
        );
        // What the sandbox panel and the connection form tell the user.
        wizard.sandbox = Some(crate::wizard::SandboxState {
            scenario: scenario.name.clone(),
            memory_only,
            inbox: Vec::new(),
            domain: crate::sandbox::DOMAIN.into(),
            token: crate::sandbox::auth0::explorer_token_all(),
            accounts: crate::sandbox::accounts(),
        });
        let result = tui::run_with(wizard, services, Some(rx)).await;
        drop(sandbox);
        result
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
    ended(result)
}
