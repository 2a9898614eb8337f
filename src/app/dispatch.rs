//! One `match` over the command: each arm starts what the command needs
//! (the log and home directory, the settings, a runtime) and calls the
//! command in `commands` or the wizard.

use super::headless::{Job, headless, on_runtime};
use super::setup::Setup;
use super::start::Start;
use super::{Refusal, about, prompt, wizard};
use crate::cli::{Cli, Command, TenantCommand};
use crate::commands::{self, FAILURE, output};
use crate::config;
use crate::providers::clients::Http;
use crate::providers::{Catalog, Setting};
use crate::sanitize::Sanitized;
use crate::settings;
use std::ffi::OsString;
use std::io::{self, Write};
use std::time::Duration;

/// Run the command `cli` names (the wizard without one); `args` is the
/// command line it was parsed from.
pub fn dispatch(cli: &Cli, args: &[OsString]) -> Result<u8, Refusal> {
    let json = cli.json;
    let process_env = settings::process_env;
    match &cli.command {
        None => {
            let start = Start::new(cli, true)?;
            let no_input = output::no_input(cli.no_input, &process_env);
            wizard::run(cli, start, no_input, wizard::profile_given(args))
        }
        Some(Command::Completions { shell }) => Ok(about::completions(*shell)),
        Some(Command::Man) => about::man(),
        Some(Command::Secrets(cmd)) => {
            let start = Start::new(cli, false)?;
            let setup = Setup::real(cli, start.paths.clone());
            let no_input = output::no_input(cli.no_input, &process_env);
            Ok(headless(cli, |out, err| {
                let mut read = |s: &Setting| prompt::read_value(s, no_input);
                let mut io = commands::secrets::Io {
                    out,
                    err,
                    read_value: &mut read,
                };
                Ok(commands::secrets::run(cmd, &setup.ctx(), &mut io, json))
            }))
        }
        Some(Command::Status) => {
            let start = Start::new(cli, false)?;
            let setup = Setup::real(cli, start.paths.clone());
            Ok(headless(cli, |out, _| {
                commands::status::run(&setup.ctx(), out, json)
            }))
        }
        Some(Command::Profiles) => {
            let start = Start::new(cli, false)?;
            Ok(headless(cli, |out, _| {
                commands::profiles::run(&start.paths, &cli.profile, out, json)
            }))
        }
        Some(Command::Code { provider, target }) => {
            let start = Start::new(cli, false)?;
            let profile = config::load(&start.paths, &cli.profile).profile;
            let args = commands::code::Args {
                catalog: Catalog::builtin(),
                profile: &profile,
                env: &process_env,
                provider,
                target,
            };
            if json {
                // {provider, target, code, secrets}, or the error object.
                return Ok(headless(cli, |out, err| {
                    commands::code::json(&args, out, err)
                }));
            }
            // The code itself is exact (no escape could be in it: render
            // refuses control characters); messages go through the
            // sanitizer.
            let mut err = Sanitized::new(io::stderr());
            Ok(commands::code::print(&args, &mut io::stdout(), &mut err).unwrap_or(FAILURE))
        }
        Some(
            cmd @ Command::SendTest {
                provider,
                to,
                text,
                follow,
            },
        ) => on_runtime(cli, cmd, false, async |job, out, err| {
            let args = commands::provider::SendTest {
                provider,
                to,
                text,
                json,
                follow: *follow,
            };
            commands::provider::send_test(&job.ctx, &Http::new(), out, err, args).await
        }),
        Some(cmd @ Command::CheckCredentials { provider }) => {
            on_runtime(cli, cmd, false, async |job, out, err| {
                commands::provider::check_credentials(
                    &job.ctx,
                    &Http::new(),
                    out,
                    err,
                    provider,
                    json,
                )
                .await
            })
        }
        Some(cmd @ Command::ListSenders { provider }) => {
            on_runtime(cli, cmd, false, async |job, out, err| {
                commands::senders::run(&job.ctx, &Http::new(), out, err, provider, json).await
            })
        }
        Some(
            cmd @ Command::Doctor {
                provider,
                to,
                verbose,
            },
        ) => on_runtime(cli, cmd, true, async |job, out, err| {
            let args = commands::doctor::Args {
                provider: provider.as_deref(),
                to: to.as_deref(),
                json,
                verbose: *verbose,
                color: job.colour,
                slow_after: crate::doctor::SLOW_AFTER,
            };
            commands::doctor::run(&job.ctx, &Http::new(), out, err, args).await
        }),
        Some(
            cmd @ Command::Trace {
                to,
                since,
                provider,
                limit,
            },
        ) => on_runtime(cli, cmd, false, async |job, out, err| {
            let args = commands::trace::Args {
                to: to.as_deref(),
                since,
                provider: provider.as_deref(),
                limit: *limit,
                json,
            };
            commands::trace::run(&job.ctx, &Http::new(), out, err, args).await
        }),
        Some(
            cmd @ Command::Logs {
                since,
                follow,
                every,
                for_secs,
            },
        ) => on_runtime(cli, cmd, false, async |job, out, err| {
            let args = commands::trace::LogsArgs {
                since,
                follow: *follow,
                every: Duration::from_secs(*every),
                for_: for_secs.map(Duration::from_secs),
                json,
            };
            commands::trace::logs(&job.ctx, out, err, args).await
        }),
        Some(cmd @ Command::Tenant(TenantCommand::Check)) => {
            on_runtime(cli, cmd, true, async |job, out, err| {
                commands::tenant::check(&job.ctx, out, err, json, job.colour).await
            })
        }
        Some(cmd @ Command::Tenant(TenantCommand::Apply { provider, apply })) => {
            on_runtime(cli, cmd, false, async |job, out, err| {
                commands::tenant::apply(&job.ctx, provider.as_deref(), *apply, json, out, err).await
            })
        }
        Some(cmd @ Command::Tenant(TenantCommand::Try { to })) => {
            on_runtime(cli, cmd, false, async |job, out, err| {
                commands::tenant::try_send(&job.ctx, to, json, out, err).await
            })
        }
        Some(
            cmd @ Command::Tenant(TenantCommand::Connect {
                domain,
                apply,
                rotate_secret,
            }),
        ) => on_runtime(cli, cmd, false, async |job, out, err| {
            let args = commands::connect::Args {
                domain: domain.as_deref(),
                apply: *apply,
                rotate_secret: *rotate_secret,
                json,
            };
            connection(job, out, err, args, Connection::Connect).await
        }),
        Some(cmd @ Command::Tenant(TenantCommand::Disconnect { domain, apply })) => {
            on_runtime(cli, cmd, false, async |job, out, err| {
                let args = commands::connect::Args {
                    domain: domain.as_deref(),
                    apply: *apply,
                    rotate_secret: false,
                    json,
                };
                connection(job, out, err, args, Connection::Disconnect).await
            })
        }
    }
}

enum Connection {
    Connect,
    Disconnect,
}

/// `tenant connect` or `tenant disconnect`, with the token read and the
/// questions asked on the terminal.
async fn connection(
    job: &Job<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    args: commands::connect::Args<'_>,
    which: Connection,
) -> io::Result<u8> {
    let mut read = || prompt::read_token(job.no_input);
    let mut ask = |q: &str| prompt::confirm(q, job.no_input);
    let mut io = commands::connect::Io {
        out,
        err,
        read_token: &mut read,
        confirm: &mut ask,
    };
    match which {
        Connection::Connect => commands::connect::connect(&job.ctx, &mut io, args).await,
        Connection::Disconnect => commands::connect::disconnect(&job.ctx, &mut io, args).await,
    }
}
