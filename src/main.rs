//! Wiring only: parse the command line, set up logging and the runtime, run.

use clap::Parser;
use sms_mfa::checklist::Checklist;
use sms_mfa::cli::{Cli, Command};
use sms_mfa::commands;
use sms_mfa::config::{self, Paths};
use sms_mfa::providers::Catalog;
use sms_mfa::tui::{self, Exit};
use sms_mfa::wizard::Wizard;
use std::process::ExitCode;

use sms_mfa::cli::{SecretsCommand, TenantCommand};
use sms_mfa::commands::{FAILURE, USAGE};
use sms_mfa::providers::Setting;
use sms_mfa::sanitize::Sanitized;
use sms_mfa::secrets::{self, OsKeyring};
use std::io::{IsTerminal, Read, Write};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.sandbox && cli.command.is_some() {
        // Never run a real command (a send, a tenant change) thinking it is
        // the sandbox.
        eprintln!(
            "sms-mfa: --sandbox runs the wizard against simulated APIs; it takes no subcommand. Nothing was run."
        );
        return ExitCode::from(USAGE);
    }
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
        Err(e) => {
            let text = format!("Logging is off: {e}.");
            // Headless: said on standard error; the wizard shows it.
            if cli.command.is_some() {
                eprintln!("sms-mfa: warning: {}", sms_mfa::sanitize::sanitize(&text));
            }
            notice = Some(text);
        }
    }
    if let Some(Command::Secrets(cmd)) = &cli.command {
        let store = OsKeyring::new();
        let ctx = commands::secrets::Context {
            paths: &paths,
            profile: &cli.profile,
            catalog: Catalog::builtin(),
            store: &store,
            env: &secrets::process_env,
        };
        let json = matches!(
            cmd,
            SecretsCommand::List { json: true, .. } | SecretsCommand::Check { json: true }
        );
        let (mut out, mut err) = streams(json, false);
        let mut io = commands::secrets::Io {
            out: &mut out,
            err: &mut err,
            read_value: &mut read_value,
        };
        return ExitCode::from(commands::secrets::run(cmd, &ctx, &mut io));
    }
    if let Some(Command::Tenant(cmd)) = &cli.command {
        let Some(runtime) = runtime() else {
            return ExitCode::from(FAILURE);
        };
        let store = OsKeyring::new();
        let ctx = commands::tenant::Context {
            paths: &paths,
            profile: &cli.profile,
            catalog: Catalog::builtin(),
            store: &store,
            env: &secrets::process_env,
        };
        let json = match cmd {
            TenantCommand::Check { json }
            | TenantCommand::Apply { json, .. }
            | TenantCommand::Try { json, .. } => *json,
        };
        let (mut out, mut err) = streams(json, false);
        let code = runtime.block_on(async {
            match cmd {
                TenantCommand::Check { json } => {
                    commands::tenant::check(&ctx, &mut out, &mut err, *json).await
                }
                TenantCommand::Apply {
                    provider,
                    apply,
                    json,
                } => {
                    commands::tenant::apply(
                        &ctx,
                        provider.as_deref(),
                        *apply,
                        *json,
                        &mut out,
                        &mut err,
                    )
                    .await
                }
                TenantCommand::Try { to, json } => {
                    commands::tenant::try_send(&ctx, to, *json, &mut out, &mut err).await
                }
            }
        });
        runtime.shutdown_timeout(std::time::Duration::from_millis(200));
        return ExitCode::from(code.unwrap_or(FAILURE));
    }
    if let Some(Command::Code { provider, target }) = &cli.command {
        let profile = config::load(&paths, &cli.profile);
        // The code itself is exact (no escape could be in it: render
        // refuses control characters); messages go through the sanitizer.
        let (mut out, mut err) = (std::io::stdout(), Sanitized::new(std::io::stderr()));
        let code = commands::code::print(
            Catalog::builtin(),
            &profile.profile,
            &secrets::process_env,
            provider,
            target,
            &mut out,
            &mut err,
        );
        return ExitCode::from(code.unwrap_or(FAILURE));
    }
    if let Some(
        cmd
        @ (Command::SendTest { .. } | Command::CheckCredentials { .. } | Command::Doctor { .. }),
    ) = &cli.command
    {
        return ExitCode::from(provider_command(cmd, &cli.profile, &paths));
    }
    let scenario = if cli.sandbox {
        let all = sms_mfa::sandbox::Scenarios::builtin();
        match cli.scenario.as_deref() {
            Some("help") => {
                print!("{}", all.help());
                return ExitCode::SUCCESS;
            }
            Some(name) => match all.get(name) {
                Some(s) => Some(s),
                None => {
                    eprintln!("sms-mfa: unknown scenario {name:?}.\n\n{}", all.help());
                    return ExitCode::from(USAGE);
                }
            },
            None => Some(all.default_scenario()),
        }
    } else {
        None
    };
    if !std::io::stdout().is_terminal() {
        eprintln!("sms-mfa: the wizard needs a terminal; run it in one (see --help).");
        return ExitCode::from(USAGE);
    }
    if let Some(scenario) = scenario {
        return sandbox(paths, scenario, notice);
    }
    // One wizard per profile: a second one may look, read-only, or quit.
    let (_claim, read_only) = match config::claim_wizard(&paths, &cli.profile) {
        Ok(config::Claim::Mine(lock)) => (Some(lock), None),
        Ok(config::Claim::InUse(pid)) => match ask_read_only(&cli.profile, pid) {
            Some(note) => (None, Some(note)),
            None => return ExitCode::SUCCESS,
        },
        Err(e) => {
            eprintln!(
                "sms-mfa: cannot claim profile {} ({e}); continuing without the claim.",
                cli.profile
            );
            (None, None)
        }
    };
    let loaded = config::load(&paths, &cli.profile);
    let notice = read_only.clone().or(loaded.notice).or(notice);
    let session = config::Session::new(loaded.profile.clone(), read_only.is_some());
    let wizard = Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        &cli.profile,
        loaded.profile,
        notice,
    );
    let Some(runtime) = runtime() else {
        return ExitCode::from(FAILURE);
    };
    let mut services = tui::Services::os(paths, Catalog::builtin());
    services.session = std::sync::Arc::new(session);
    let result = runtime.block_on(tui::run(wizard, services));
    // A keyring call that is still waiting (at most its timeout) must not
    // hold the exit up.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    exit_code(result)
}

/// Another wizard has the profile: say so and ask whether to open it
/// read-only or quit. Returns the notice for the read-only wizard, or None
/// to quit.
fn ask_read_only(profile: &str, pid: Option<u32>) -> Option<String> {
    let who = pid.map_or_else(
        || "another sms-mfa wizard".to_string(),
        |p| format!("PID {p}"),
    );
    eprint!(
        "sms-mfa: profile {profile} in use by {who}: its saves and yours would overwrite each other.\r\n\
         Open it read-only (nothing is saved) or quit? [r/Q] "
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    line.trim().eq_ignore_ascii_case("r").then(|| {
        format!("Read-only: profile {profile} is in use by {who}; nothing you change here is saved to it.")
    })
}

/// A small single-threaded runtime, or `None` after saying why not.
fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(e) => {
            eprintln!("sms-mfa: cannot start the async runtime: {e}");
            None
        }
    }
}

/// How the wizard ended, as the process's exit code.
fn exit_code(result: std::io::Result<Exit>) -> ExitCode {
    match result {
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

/// `--sandbox`: start the simulated APIs, then the wizard against them, with
/// the sandbox's own profile (started afresh) and keyring service.
fn sandbox(
    paths: Paths,
    scenario: &sms_mfa::sandbox::Scenario,
    notice: Option<String>,
) -> ExitCode {
    use sms_mfa::secrets::{MemoryStore, SANDBOX_SERVICE, SecretStore};
    use std::sync::Arc;
    // Always the sandbox's own profile: a real one (--profile,
    // SMS_MFA_PROFILE) is never written.
    let profile_name = sms_mfa::sandbox::PROFILE.to_string();
    // Every sandbox run starts at step 1.
    if let Err(e) = config::save(&paths, &profile_name, &config::Profile::default()) {
        eprintln!("sms-mfa: cannot write the sandbox profile: {e}");
        return ExitCode::from(FAILURE);
    }
    let Some(runtime) = runtime() else {
        return ExitCode::from(FAILURE);
    };
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
        let on_delivery: sms_mfa::sandbox::providers::OnDelivery = Arc::new(move |d| {
            let _ = tx.send(sms_mfa::wizard::Msg::SandboxDelivered(d));
        });
        let sandbox = sms_mfa::sandbox::Sandbox::start(scenario, Some(on_delivery)).await;
        tracing::info!(scenario = %scenario.name, providers = %sandbox.providers.uri(),
            tenant = %sandbox.tenant.uri(), "sandbox started");
        let overlay = sandbox.env();
        let mut services = tui::Services::os(paths, Catalog::builtin());
        services.store = store;
        // The simulation's settings only: a real SMS_MFA_* value of the
        // shell never reaches the sandbox.
        services.env = Arc::new(move |name: &str| {
            overlay.get(name).cloned().or_else(|| {
                (!name.starts_with("SMS_MFA_"))
                    .then(|| secrets::process_env(name))
                    .flatten()
            })
        });
        let mut wizard = Wizard::new(
            Catalog::builtin(),
            Checklist::builtin(),
            &profile_name,
            config::Profile::default(),
            notice,
        );
        wizard.sandbox = Some(sms_mfa::wizard::SandboxState {
            scenario: scenario.name.clone(),
            memory_only,
            inbox: Vec::new(),
        });
        let result = tui::run_with(wizard, services, Some(rx)).await;
        drop(sandbox);
        result
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    exit_code(result)
}

/// The value for `secrets set`: a hidden prompt on a terminal (a visible
/// one for settings that are not secret), else all of standard input.
fn read_value(setting: &Setting) -> std::io::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let prompt = format!("{} ({}): ", setting.label, setting.name);
        if setting.secret {
            return rpassword::prompt_password(prompt);
        }
        eprint!("{prompt}");
        let mut line = String::new();
        stdin.read_line(&mut line)?;
        return Ok(line);
    }
    let mut text = String::new();
    stdin.lock().take(64 * 1024).read_to_string(&mut text)?;
    Ok(text)
}

/// `send-test`, `check-credentials` and `doctor`, on a small async runtime.
fn provider_command(cmd: &Command, profile: &str, paths: &sms_mfa::config::Paths) -> u8 {
    let Some(runtime) = runtime() else {
        return FAILURE;
    };
    let store = OsKeyring::new();
    let ctx = commands::provider::Context {
        paths,
        profile,
        catalog: Catalog::builtin(),
        store: &store,
        env: &secrets::process_env,
        http: sms_mfa::providers::clients::Http::new(),
    };
    let (json, colour) = match cmd {
        Command::SendTest { json, .. } | Command::CheckCredentials { json, .. } => (*json, false),
        Command::Doctor { json, .. } => (*json, doctor_colour()),
        _ => (false, false),
    };
    let (mut out, mut err) = streams(json, colour);
    let result = runtime.block_on(async {
        match cmd {
            Command::SendTest {
                provider,
                to,
                text,
                json,
                follow,
            } => {
                let args = commands::provider::SendTest {
                    provider,
                    to,
                    text,
                    json: *json,
                    follow: *follow,
                };
                commands::provider::send_test(&ctx, &mut out, &mut err, args).await
            }
            Command::CheckCredentials { provider, json } => {
                commands::provider::check_credentials(&ctx, &mut out, &mut err, provider, *json)
                    .await
            }
            Command::Doctor {
                provider,
                to,
                json,
                verbose,
            } => {
                let args = commands::doctor::Args {
                    provider: provider.as_deref(),
                    to: to.as_deref(),
                    json: *json,
                    verbose: *verbose,
                    color: colour,
                    slow_after: sms_mfa::doctor::SLOW_AFTER,
                };
                commands::doctor::run(&ctx, &mut out, &mut err, args).await
            }
            Command::Secrets(_) | Command::Code { .. } | Command::Tenant(_) => {
                unreachable!("handled before")
            }
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    result.unwrap_or(FAILURE)
}

/// Whether the doctor colours its text: a terminal, and NO_COLOR unset.
fn doctor_colour() -> bool {
    sms_mfa::doctor::report::use_color(
        std::io::stdout().is_terminal(),
        std::env::var("NO_COLOR").ok().as_deref(),
    )
}

/// Standard output and error of a headless command. Both pass through the
/// sanitizer (text from a provider or the tenant cannot steer the
/// terminal); `--json` output with JSON's own escapes, so it stays exact.
/// `colour`: the doctor's own colour sequences pass.
fn streams(json: bool, colour: bool) -> (Box<dyn Write>, Sanitized<std::io::Stderr>) {
    let out: Box<dyn Write> = if json {
        Box::new(Sanitized::json(std::io::stdout()))
    } else if colour {
        Box::new(Sanitized::allowing_colour(std::io::stdout()))
    } else {
        Box::new(Sanitized::new(std::io::stdout()))
    };
    (out, Sanitized::new(std::io::stderr()))
}
