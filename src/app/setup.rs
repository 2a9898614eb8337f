//! Where a headless command takes its settings from: the real profile,
//! keyring and environment, or with `--sandbox` the simulations'.

use super::Refusal;
use crate::cli::{Cli, Command};
use crate::config::Paths;
use crate::ops::Ctx;
use crate::providers::Catalog;
use crate::secrets::OsKeyring;
use crate::settings;

/// Looks an environment variable up.
type Env = dyn Fn(&str) -> Option<String>;

/// Where a headless command takes its settings from: the real profile,
/// keyring and environment, or (`--sandbox`) simulations on loopback, a
/// memory store and a profile in a temporary folder, so that nothing real
/// is read or touched.
pub struct Setup {
    pub paths: Paths,
    pub profile: String,
    pub store: Box<dyn crate::secrets::SecretStore>,
    pub env: Box<Env>,
    #[cfg(feature = "sandbox")]
    _sandbox: Option<(crate::sandbox::Sandbox, tempfile::TempDir)>,
}

impl Setup {
    /// The sandbox's with `--sandbox`, else the real one.
    #[cfg_attr(not(feature = "sandbox"), allow(unused_variables))]
    pub fn new(
        cli: &Cli,
        paths: Paths,
        runtime: &tokio::runtime::Runtime,
        cmd: &Command,
    ) -> Result<Setup, Refusal> {
        #[cfg(feature = "sandbox")]
        if cli.sandbox {
            return Setup::sandbox(cli, runtime, cmd);
        }
        Ok(Setup::real(cli, paths))
    }

    pub fn real(cli: &Cli, paths: Paths) -> Setup {
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
    fn sandbox(
        cli: &Cli,
        runtime: &tokio::runtime::Runtime,
        cmd: &Command,
    ) -> Result<Setup, Refusal> {
        use crate::cli::TenantCommand;
        let all = crate::sandbox::Scenarios::builtin();
        let scenario = match cli.scenario.as_deref() {
            None => all.default_scenario(),
            Some(name) => match all.get(name) {
                Some(s) => s,
                None => {
                    return Err(Refusal::Usage {
                        message: format!(
                            "unknown scenario {name:?}; `sms-mfa --sandbox --scenario help` lists them."
                        ),
                        json: cli.json,
                    });
                }
            },
        };
        let dir = tempfile::tempdir().map_err(|e| Refusal::Input {
            message: format!("cannot make a temporary folder: {e}"),
            json: cli.json,
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
        let profile = crate::config::Profile {
            provider: chosen,
            test_recipient: Some("+14155550100".into()),
            ..crate::config::Profile::default()
        };
        let name = crate::sandbox::PROFILE.to_string();
        if let Err(e) = crate::config::save(&paths, &name, &profile) {
            return Err(Refusal::Input {
                message: format!("cannot write the sandbox profile: {e}"),
                json: cli.json,
            });
        }
        let sandbox = runtime.block_on(crate::sandbox::Sandbox::start(scenario, None));
        let mut overlay = sandbox.env();
        // The simulated accounts' settings, as the wizard's user types them.
        for p in &Catalog::builtin().providers {
            for (k, v) in crate::sandbox::providers::credentials(&p.id) {
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
                crate::sandbox::auth0::explorer_token_all(),
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
            store: Box::new(crate::secrets::MemoryStore::new()),
            env: Box::new(crate::sandbox::lookup(
                overlay,
                crate::settings::process_env,
            )),
            _sandbox: Some((sandbox, dir)),
        })
    }

    /// The operations' view of it.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            paths: &self.paths,
            profile: &self.profile,
            catalog: Catalog::builtin(),
            store: &*self.store,
            env: &*self.env,
        }
    }
}
