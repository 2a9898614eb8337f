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

use sms_mfa::cli::TenantCommand;
use sms_mfa::commands::{FAILURE, USAGE, output};
use sms_mfa::providers::Setting;
use sms_mfa::sanitize::Sanitized;
use sms_mfa::secrets::OsKeyring;
use sms_mfa::settings;
use sms_mfa::wizard::chooser::Chosen;
use std::io::{IsTerminal, Read, Write};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(usage_error(e, args.iter().any(|a| a == "--json"))),
    };
    let env = settings::process_env;
    if cli.version {
        return ExitCode::from(version(cli.json));
    }
    match &cli.command {
        Some(Command::Completions { shell }) => return ExitCode::from(completions(*shell)),
        Some(Command::Man) => return ExitCode::from(man()),
        _ => {}
    }
    let no_input = output::no_input(cli.no_input, &env);
    #[cfg(feature = "sandbox")]
    let sandboxed = matches!(
        cli.command,
        Some(
            Command::Doctor { .. }
                | Command::SendTest { .. }
                | Command::CheckCredentials { .. }
                | Command::ListSenders { .. }
                | Command::Tenant(_)
                | Command::Trace { .. }
                | Command::Logs { .. }
        )
    );
    #[cfg(feature = "sandbox")]
    if cli.sandbox && cli.command.is_some() && !sandboxed {
        // Never run a real command (a stored secret, a real profile)
        // thinking it is the sandbox.
        return ExitCode::from(refuse(
            cli.json,
            "usage",
            "--sandbox takes the wizard, doctor, send-test, check-credentials, list-senders, trace, logs and tenant check/apply/try/connect/disconnect; this command works on real settings only. Nothing was run.",
        ));
    }
    if let Err(e) = config::check_profile_name(&cli.profile) {
        return ExitCode::from(refuse(cli.json, "usage", &e.to_string()));
    }
    let Some(paths) = Paths::from_platform() else {
        return ExitCode::from(refuse(
            cli.json,
            "input",
            "cannot find a home directory for the config and data files; set HOME.",
        ));
    };
    let log = sms_mfa::logging::init(&paths, &cli.log_level);
    // A panic goes to the log file too (the terminal is restored first by
    // ratatui's own hook when the wizard runs), then to standard error as
    // Rust prints it.
    let print = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %sms_mfa::sanitize::sanitize(&info.to_string()), "panic");
        print(info);
    }));
    let mut notice = None;
    match &log {
        Ok((_, file)) => {
            tracing::info!(version = env!("CARGO_PKG_VERSION"), log = %file.display(), "starting")
        }
        Err(e) => {
            let text = format!("Logging is off: {e}.");
            // Headless: said on standard error; the wizard shows it.
            if cli.command.is_some() && !cli.quiet {
                eprintln!("sms-mfa: warning: {}", sms_mfa::sanitize::sanitize(&text));
            }
            notice = Some(text);
        }
    }
    let keyring = OsKeyring::new();
    let settings = commands::secrets::Context {
        paths: &paths,
        profile: &cli.profile,
        catalog: Catalog::builtin(),
        store: &keyring,
        env: &env,
    };
    let code = match &cli.command {
        None => {
            use clap::CommandFactory;
            // --profile (or SMS_MFA_PROFILE) given: no profile chooser.
            let profile_given = Cli::command()
                .try_get_matches_from(&args)
                .ok()
                .and_then(|m| m.value_source("profile"))
                .is_some_and(|s| s != clap::parser::ValueSource::DefaultValue);
            return wizard(&cli, paths.clone(), notice, no_input, profile_given);
        }
        Some(Command::Completions { .. } | Command::Man) => unreachable!("answered above"),
        Some(Command::Secrets(cmd)) => headless(&cli, |out, err| {
            let ctx = &settings;
            let mut read = |s: &Setting| read_value(s, no_input);
            let mut io = commands::secrets::Io {
                out,
                err,
                read_value: &mut read,
            };
            Ok(commands::secrets::run(cmd, ctx, &mut io, cli.json))
        }),
        Some(Command::Status) => headless(&cli, |out, _| {
            commands::status::run(&settings, out, cli.json)
        }),
        Some(Command::Profiles) => headless(&cli, |out, _| {
            commands::profiles::run(&paths, &cli.profile, out, cli.json)
        }),
        Some(Command::Code { provider, target }) => {
            let profile = config::load(&paths, &cli.profile);
            let print = |out: &mut dyn Write, err: &mut dyn Write| {
                commands::code::print(
                    Catalog::builtin(),
                    &profile.profile,
                    &env,
                    provider,
                    target,
                    out,
                    err,
                )
            };
            if cli.json {
                // {provider, target, code, secrets}, or the error object.
                headless(&cli, |out, err| {
                    commands::code::json(
                        Catalog::builtin(),
                        &profile.profile,
                        &env,
                        provider,
                        target,
                        out,
                        err,
                    )
                })
            } else {
                // The code itself is exact (no escape could be in it: render
                // refuses control characters); messages go through the
                // sanitizer.
                let mut err = Sanitized::new(std::io::stderr());
                print(&mut std::io::stdout(), &mut err).unwrap_or(FAILURE)
            }
        }
        Some(cmd) => {
            let Some(runtime) = runtime() else {
                return ExitCode::from(FAILURE);
            };
            let setup = match Setup::new(&cli, paths.clone(), &runtime, cmd) {
                Ok(s) => s,
                Err(code) => return ExitCode::from(code),
            };
            let code = async_command(&cli, &runtime, &setup, cmd);
            drop(setup);
            runtime.shutdown_timeout(std::time::Duration::from_millis(200));
            code
        }
    };
    ExitCode::from(code)
}

/// Run a headless command with the output rules of every command: the
/// sanitizer, `--quiet`, and `--json`'s promise of one JSON object on
/// standard output, errors included.
fn headless(
    cli: &Cli,
    run: impl FnOnce(&mut dyn Write, &mut dyn Write) -> std::io::Result<u8>,
) -> u8 {
    headless_with(cli, false, run)
}

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

/// A command-line error. A value that looks like a secret, typed where the
/// parser did not expect it, is never echoed (it would land in the
/// scrollback and CI logs). With `--json`, the error object too.
fn usage_error(e: clap::Error, json: bool) -> u8 {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return 0;
    }
    let mut text = e.render().to_string();
    let mut hidden = false;
    for (kind, value) in e.context() {
        if !matches!(kind, ContextKind::InvalidArg | ContextKind::InvalidValue) {
            continue;
        }
        let values: Vec<&str> = match value {
            ContextValue::String(s) => vec![s.as_str()],
            ContextValue::Strings(v) => v.iter().map(String::as_str).collect(),
            _ => vec![],
        };
        for v in values {
            if output::looks_secret(v) {
                text = text.replace(v, "[hidden: it looks like a secret]");
                hidden = true;
            }
        }
    }
    if hidden {
        text.push_str("\nSecrets are never given on the command line: `sms-mfa secrets set PROVIDER NAME` reads the value from standard input (or a hidden prompt), and SMS_MFA_<NAME> in the environment works too.\n");
    }
    let text = sms_mfa::sanitize::sanitize(&text);
    eprint!("{text}");
    let code = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        USAGE
    } else {
        e.exit_code().clamp(0, 255) as u8
    };
    if json {
        let first = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        let doc = serde_json::json!({"error": {"kind": "usage", "message": first,
            "remedy": "See sms-mfa --help (or the subcommand's --help)."}, "exit_code": code});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    code
}

/// Refuse before anything runs: the message on standard error, and with
/// `--json` the error object on standard output. Exit 2.
fn refuse(json: bool, kind: &str, message: &str) -> u8 {
    eprintln!("sms-mfa: {message}");
    if json {
        let doc = output::error(Some(kind), message, USAGE);
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    USAGE
}

/// `--version`: the version, the commit, the build target, the features.
fn version(json: bool) -> u8 {
    let features: Vec<&str> = option_env!("SMS_MFA_FEATURES")
        .unwrap_or("")
        .split(',')
        .filter(|f| !f.is_empty())
        .collect();
    let (commit, target) = (env!("SMS_MFA_COMMIT"), env!("SMS_MFA_TARGET"));
    if json {
        let doc = serde_json::json!({
            "name": "sms-mfa",
            "version": env!("CARGO_PKG_VERSION"),
            "commit": commit,
            "target": target,
            "features": features,
            "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        println!(
            "sms-mfa {} (commit {commit}, {target}, {} build, features: {})",
            env!("CARGO_PKG_VERSION"),
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            if features.is_empty() {
                "none".to_string()
            } else {
                features.join(", ")
            }
        );
    }
    0
}

/// `completions SHELL`.
fn completions(shell: clap_complete::Shell) -> u8 {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "sms-mfa", &mut std::io::stdout());
    0
}

/// `man`: the page of sms-mfa, then one section per subcommand.
fn man() -> u8 {
    use clap::CommandFactory;
    match sms_mfa::cli::man_page(&Cli::command()) {
        Ok(page) => {
            let _ = std::io::stdout().write_all(&page);
            0
        }
        Err(e) => {
            eprintln!("sms-mfa: cannot render the manual page: {e}");
            FAILURE
        }
    }
}

/// Looks an environment variable up.
type Env = dyn Fn(&str) -> Option<String>;

/// Where a headless command takes its settings from: the real profile,
/// keyring and environment, or (`--sandbox`) simulations on loopback, a
/// memory store and a profile in a temporary folder, so that nothing real
/// is read or touched.
struct Setup {
    paths: Paths,
    profile: String,
    store: Box<dyn sms_mfa::secrets::SecretStore>,
    env: Box<Env>,
    #[cfg(feature = "sandbox")]
    _sandbox: Option<(sms_mfa::sandbox::Sandbox, tempfile::TempDir)>,
}

impl Setup {
    /// The sandbox's with `--sandbox`, else the real one.
    #[cfg_attr(not(feature = "sandbox"), allow(unused_variables))]
    fn new(
        cli: &Cli,
        paths: Paths,
        runtime: &tokio::runtime::Runtime,
        cmd: &Command,
    ) -> Result<Setup, u8> {
        #[cfg(feature = "sandbox")]
        if cli.sandbox {
            return Setup::sandbox(cli, runtime, cmd);
        }
        Ok(Setup::real(cli, paths))
    }

    fn real(cli: &Cli, paths: Paths) -> Setup {
        Setup {
            paths,
            profile: cli.profile.clone(),
            store: Box::new(OsKeyring::new()),
            env: Box::new(settings::process_env),
            #[cfg(feature = "sandbox")]
            _sandbox: None,
        }
    }

    #[cfg(feature = "sandbox")]
    fn sandbox(cli: &Cli, runtime: &tokio::runtime::Runtime, cmd: &Command) -> Result<Setup, u8> {
        let all = sms_mfa::sandbox::Scenarios::builtin();
        let scenario = match cli.scenario.as_deref() {
            None => all.default_scenario(),
            Some(name) => match all.get(name) {
                Some(s) => s,
                None => {
                    return Err(refuse(
                        cli.json,
                        "usage",
                        &format!(
                            "unknown scenario {name:?}; `sms-mfa --sandbox --scenario help` lists them."
                        ),
                    ));
                }
            },
        };
        let dir = tempfile::tempdir().map_err(|e| {
            refuse(
                cli.json,
                "input",
                &format!("cannot make a temporary folder: {e}"),
            )
        })?;
        let paths = Paths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
        };
        let chosen = match cmd {
            Command::Doctor { provider, .. }
            | Command::Trace { provider, .. }
            | Command::Tenant(TenantCommand::Apply { provider, .. }) => provider.clone(),
            Command::SendTest { provider, .. }
            | Command::CheckCredentials { provider, .. }
            | Command::ListSenders { provider, .. } => Some(provider.clone()),
            _ => None,
        };
        let profile = config::Profile {
            provider: chosen,
            test_recipient: Some("+14155550100".into()),
            ..config::Profile::default()
        };
        let name = sms_mfa::sandbox::PROFILE.to_string();
        if let Err(e) = config::save(&paths, &name, &profile) {
            return Err(refuse(
                cli.json,
                "input",
                &format!("cannot write the sandbox profile: {e}"),
            ));
        }
        let sandbox = runtime.block_on(sms_mfa::sandbox::Sandbox::start(scenario, None));
        let mut overlay = sandbox.env();
        // The simulated accounts' settings, as the wizard's user types them.
        for p in &Catalog::builtin().providers {
            for (k, v) in sms_mfa::sandbox::providers::credentials(&p.id) {
                overlay.insert(settings::env_var(k), v.to_string());
            }
        }
        if matches!(
            cmd,
            Command::Tenant(TenantCommand::Connect { .. } | TenantCommand::Disconnect { .. })
        ) {
            // The simulated tenant's API Explorer token is "pasted"; the
            // application it makes is what the profile keeps.
            overlay.insert(
                "SMS_MFA_AUTH0_TOKEN".into(),
                sms_mfa::sandbox::auth0::explorer_token_all(),
            );
            overlay.remove("SMS_MFA_AUTH0_CLIENT_ID");
            overlay.remove("SMS_MFA_AUTH0_CLIENT_SECRET");
        }
        if !cli.quiet {
            eprintln!(
                "SANDBOX · scenario {} · simulated provider and Auth0 APIs on this machine: nothing reaches a real provider or tenant, and nothing is kept after this command.",
                scenario.name
            );
        }
        Ok(Setup {
            paths,
            profile: name,
            store: Box::new(sms_mfa::secrets::MemoryStore::new()),
            // The simulation's settings only: a real SMS_MFA_* value of the
            // shell never reaches the sandbox.
            env: Box::new(move |n: &str| {
                overlay.get(n).cloned().or_else(|| {
                    (!n.starts_with("SMS_MFA_"))
                        .then(|| settings::process_env(n))
                        .flatten()
                })
            }),
            _sandbox: Some((sandbox, dir)),
        })
    }
}

/// `send-test`, `check-credentials`, `doctor` and `tenant …`, on a small
/// async runtime.
fn async_command(cli: &Cli, runtime: &tokio::runtime::Runtime, setup: &Setup, cmd: &Command) -> u8 {
    let no_input = output::no_input(cli.no_input, &*setup.env);
    let colour = matches!(
        cmd,
        Command::Doctor { .. } | Command::Tenant(TenantCommand::Check)
    ) && !cli.json
        && output::colour(std::io::stdout().is_terminal(), &*setup.env);
    let json = cli.json;
    headless_with(cli, colour, |out, err| {
        runtime.block_on(async {
            if let Command::Tenant(t) = cmd {
                let ctx = commands::tenant::Context {
                    paths: &setup.paths,
                    profile: &setup.profile,
                    catalog: Catalog::builtin(),
                    store: &*setup.store,
                    env: &*setup.env,
                };
                return match t {
                    TenantCommand::Check => {
                        commands::tenant::check(&ctx, out, err, json, colour).await
                    }
                    TenantCommand::Apply { provider, apply } => {
                        commands::tenant::apply(&ctx, provider.as_deref(), *apply, json, out, err)
                            .await
                    }
                    TenantCommand::Try { to } => {
                        commands::tenant::try_send(&ctx, to, json, out, err).await
                    }
                    TenantCommand::Connect {
                        domain,
                        apply,
                        rotate_secret,
                    } => {
                        let mut read = || read_token(no_input);
                        let mut ask = |q: &str| confirm(q, no_input);
                        let mut io = commands::connect::Io {
                            out,
                            err,
                            read_token: &mut read,
                            confirm: &mut ask,
                        };
                        let args = commands::connect::Args {
                            domain: domain.as_deref(),
                            apply: *apply,
                            rotate_secret: *rotate_secret,
                            json,
                        };
                        commands::connect::connect(&ctx, &mut io, args).await
                    }
                    TenantCommand::Disconnect { domain, apply } => {
                        let mut read = || read_token(no_input);
                        let mut ask = |q: &str| confirm(q, no_input);
                        let mut io = commands::connect::Io {
                            out,
                            err,
                            read_token: &mut read,
                            confirm: &mut ask,
                        };
                        let args = commands::connect::Args {
                            domain: domain.as_deref(),
                            apply: *apply,
                            rotate_secret: false,
                            json,
                        };
                        commands::connect::disconnect(&ctx, &mut io, args).await
                    }
                };
            }
            let ctx = commands::provider::Context {
                paths: &setup.paths,
                profile: &setup.profile,
                catalog: Catalog::builtin(),
                store: &*setup.store,
                env: &*setup.env,
                http: sms_mfa::providers::clients::Http::new(),
            };
            match cmd {
                Command::SendTest {
                    provider,
                    to,
                    text,
                    follow,
                } => {
                    let args = commands::provider::SendTest {
                        provider,
                        to,
                        text,
                        json,
                        follow: *follow,
                    };
                    commands::provider::send_test(&ctx, out, err, args).await
                }
                Command::CheckCredentials { provider } => {
                    commands::provider::check_credentials(&ctx, out, err, provider, json).await
                }
                Command::ListSenders { provider } => {
                    commands::senders::run(&ctx, out, err, provider, json).await
                }
                Command::Doctor {
                    provider,
                    to,
                    verbose,
                } => {
                    let args = commands::doctor::Args {
                        provider: provider.as_deref(),
                        to: to.as_deref(),
                        json,
                        verbose: *verbose,
                        color: colour,
                        slow_after: sms_mfa::doctor::SLOW_AFTER,
                    };
                    commands::doctor::run(&ctx, out, err, args).await
                }
                Command::Trace {
                    to,
                    since,
                    provider,
                    limit,
                } => {
                    let args = commands::trace::Args {
                        to: to.as_deref(),
                        since,
                        provider: provider.as_deref(),
                        limit: *limit,
                        json,
                    };
                    commands::trace::run(&ctx, out, err, args).await
                }
                Command::Logs {
                    since,
                    follow,
                    every,
                    for_secs,
                } => {
                    let args = commands::trace::LogsArgs {
                        since,
                        follow: *follow,
                        every: std::time::Duration::from_secs(*every),
                        for_: for_secs.map(std::time::Duration::from_secs),
                        json,
                    };
                    commands::trace::logs(&ctx, out, err, args).await
                }
                _ => unreachable!("not an async command"),
            }
        })
    })
}

/// The wizard (or, with `--sandbox`, the wizard against the simulations).
fn wizard(
    cli: &Cli,
    paths: Paths,
    notice: Option<String>,
    no_input: bool,
    profile_given: bool,
) -> ExitCode {
    #[cfg(feature = "sandbox")]
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
    // The wizard is interactive: --no-input refuses it. CI=true alone does
    // not, when there is a terminal (a person at a pseudo-terminal).
    if cli.no_input {
        return ExitCode::from(refuse(
            cli.json,
            "input",
            "the wizard asks questions, and --no-input forbids that. Use the subcommands instead: sms-mfa doctor, send-test, check-credentials, tenant check, tenant apply --apply, and secrets set with the value on standard input.",
        ));
    }
    if !std::io::stdout().is_terminal() {
        return ExitCode::from(refuse(
            cli.json,
            "input",
            "the wizard needs a terminal; run it in one (see --help), or use the subcommands.",
        ));
    }
    #[cfg(feature = "sandbox")]
    if let Some(scenario) = scenario {
        return sandbox(paths, scenario, notice);
    }
    // More than one profile and none named: which one (or a new one).
    let mut profile = cli.profile.clone();
    // (Only the folder is read first: loading a profile moves a corrupt
    // one aside, and the wizard's own load must be the one that says so.)
    if !profile_given && commands::profiles::names(&paths).len() > 1 {
        let rows = commands::profiles::chooser_rows(&paths);
        {
            let chooser = sms_mfa::wizard::chooser::Chooser::new(rows, &cli.profile);
            match tui::chooser::run(chooser) {
                Ok(Chosen::Profile(name) | Chosen::New(name)) => profile = name,
                Ok(Chosen::Quit) => return ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("sms-mfa: cannot show the profiles ({e}).");
                    return ExitCode::from(FAILURE);
                }
            }
        }
    }
    // One wizard per profile: a second one may look, read-only, or quit.
    let (_claim, read_only) = match config::claim_wizard(&paths, &profile) {
        Ok(config::Claim::Mine(lock)) => (Some(lock), None),
        Ok(config::Claim::InUse(pid)) => match ask_read_only(&profile, pid, no_input) {
            Some(note) => (None, Some(note)),
            None => return ExitCode::from(if no_input { USAGE } else { 0 }),
        },
        Err(e) => {
            eprintln!(
                "sms-mfa: cannot claim profile {} ({e}); continuing without the claim.",
                profile
            );
            (None, None)
        }
    };
    let loaded = config::load(&paths, &profile);
    let notice = read_only.clone().or(loaded.notice).or(notice);
    let session = config::Session::new(loaded.profile.clone(), read_only.is_some());
    let wizard = Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        &profile,
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
fn ask_read_only(profile: &str, pid: Option<u32>, no_input: bool) -> Option<String> {
    let who = pid.map_or_else(
        || "another sms-mfa wizard".to_string(),
        |p| format!("PID {p}"),
    );
    if no_input {
        eprintln!(
            "sms-mfa: profile {profile} is in use by {who}, and CI=true forbids asking whether to open it read-only: quit it first, or use another --profile."
        );
        return None;
    }
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
#[cfg(feature = "sandbox")]
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
                    .then(|| settings::process_env(name))
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
        // What the sandbox panel and the connection form tell the user.
        wizard.sandbox = Some(sms_mfa::wizard::SandboxState {
            scenario: scenario.name.clone(),
            memory_only,
            inbox: Vec::new(),
            domain: sms_mfa::sandbox::DOMAIN.into(),
            token: sms_mfa::sandbox::auth0::explorer_token_all(),
            accounts: sms_mfa::sandbox::accounts(),
        });
        let result = tui::run_with(wizard, services, Some(rx)).await;
        drop(sandbox);
        result
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    exit_code(result)
}

/// The Management API token for `tenant connect`: a hidden prompt on a
/// terminal, else one line of standard input. Never an argument, never
/// echoed.
fn read_token(no_input: bool) -> std::io::Result<String> {
    if std::io::stdin().is_terminal() {
        if no_input {
            return Err(std::io::Error::new(
                std::io::ErrorKind::WouldBlock,
                "tenant connect would prompt for the token, and --no-input (or CI=true) forbids it. Pipe it in (printf %s \"$TOKEN\" | sms-mfa tenant connect ...) or set SMS_MFA_AUTH0_TOKEN.",
            ));
        }
        return rpassword::prompt_password("Management API token (hidden): ");
    }
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .take(64 * 1024)
        .read_to_string(&mut text)?;
    Ok(text)
}

/// Ask `question` [y/N] on the terminal; None when there is none to ask
/// on (or --no-input).
fn confirm(question: &str, no_input: bool) -> Option<bool> {
    if no_input || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    Some(line.trim().eq_ignore_ascii_case("y"))
}

/// How long `--no-input` waits for a value on standard input.
const NO_INPUT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The value for `secrets set`: a hidden prompt on a terminal (a visible
/// one for settings that are not secret), else all of standard input. With
/// `--no-input` (or CI=true) it never prompts, and waits for standard input
/// at most a few seconds.
fn read_value(setting: &Setting, no_input: bool) -> std::io::Result<String> {
    let stdin = std::io::stdin();
    let var = settings::env_var(&setting.name);
    if stdin.is_terminal() {
        if no_input {
            return Err(std::io::Error::new(
                std::io::ErrorKind::WouldBlock,
                format!(
                    "secrets set would prompt for {}, and --no-input (or CI=true) forbids it. Pipe the value in (printf %s \"$VALUE\" | sms-mfa secrets set ...), or set {var} in the environment instead of storing it.",
                    setting.name
                ),
            ));
        }
        let prompt = format!("{} ({}): ", setting.label, setting.name);
        if setting.secret {
            return rpassword::prompt_password(prompt);
        }
        eprint!("{prompt}");
        let mut line = String::new();
        stdin.read_line(&mut line)?;
        return Ok(line);
    }
    let read_all = move || {
        let mut text = String::new();
        std::io::stdin()
            .lock()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map(|_| text)
    };
    if !no_input {
        return read_all();
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read_all());
    });
    rx.recv_timeout(NO_INPUT_WAIT).unwrap_or_else(|_| {
        Err(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            format!(
                "no value arrived on standard input within {} s, and --no-input (or CI=true) does not wait longer. Pipe the value and close the input (printf %s \"$VALUE\" | sms-mfa secrets set ...), or set {var} in the environment instead.",
                NO_INPUT_WAIT.as_secs()
            ),
        ))
    })
}
