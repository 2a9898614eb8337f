//! Command-line interface.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Parser, Subcommand};
use std::ffi::OsStr;

/// Any string, with the catalog's ids (or setting names) offered for shell
/// completion and listed in the help; the commands check the value and say
/// what to use instead, as they always have.
#[derive(Clone)]
pub(crate) struct Suggest(fn() -> Vec<&'static str>);

impl TypedValueParser for Suggest {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::NonEmptyStringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter().map(PossibleValue::new)))
    }
}

/// The providers' catalog ids.
pub(crate) fn provider_ids() -> Vec<&'static str> {
    crate::providers::Catalog::builtin()
        .providers
        .iter()
        .map(|p| p.id.as_str())
        .collect()
}

/// The providers' ids and `auth0` (the tenant connection's settings).
pub(crate) fn setting_groups() -> Vec<&'static str> {
    let mut ids = provider_ids();
    ids.push("auth0");
    ids
}

/// Every setting name of the catalog, the tenant connection's included.
pub(crate) fn setting_names() -> Vec<&'static str> {
    let c = crate::providers::Catalog::builtin();
    let mut names: Vec<&'static str> = c
        .providers
        .iter()
        .chain(c.tenant.as_ref())
        .flat_map(|p| p.settings.iter().map(|s| s.name.as_str()))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn providers() -> Suggest {
    Suggest(provider_ids)
}

#[derive(Debug, Parser)]
#[command(
    name = "sms-mfa",
    disable_version_flag = true,
    about = "Get a custom SMS provider delivering Auth0 MFA codes, and keep it working.",
    long_about = "Get a custom SMS provider delivering Auth0 MFA codes, and keep it working.\n\n\
Without a subcommand, runs the wizard: choose the provider, enter its credentials, \
send a test message, check the tenant, and work through the troubleshooting checklist. \
Progress is saved per profile and resumed on the next start.",
    after_help = "Exit codes: 0 ok; 1 problems found, refused, or an operational failure (keyring, disk, network); 2 usage, invalid input, or cannot start; 128+N ended by signal N. With --json every outcome, errors included, is one JSON object on standard output."
)]
pub struct Cli {
    /// Print the version, the commit, the build target and the enabled features (with --json: as JSON)
    #[arg(short = 'V', long)]
    pub version: bool,

    /// Machine-readable output: one JSON object (or list) on standard output, errors included as {"error": {kind, message, remedy}}
    #[arg(long, global = true)]
    pub json: bool,

    /// Never prompt: anything that would ask fails at once (exit 2) naming the flag or variable that supplies the value. Implied by CI=true
    #[arg(long, global = true)]
    pub no_input: bool,

    /// Print only errors (with --json, the JSON is still printed)
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Profile to use: one per tenant or setup (progress, settings and secrets are kept apart)
    #[arg(long, global = true, env = "SMS_MFA_PROFILE", default_value = crate::config::DEFAULT_PROFILE)]
    pub profile: String,

    /// How much to write to the log file in the data directory
    #[arg(long, global = true, default_value = "info", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub log_level: String,

    /// Run against simulated provider and Auth0 APIs on this machine: the wizard, or doctor, send-test, check-credentials, trace, logs and tenant check/apply/try. No provider account, no tenant, nothing leaves the machine
    #[cfg(feature = "sandbox")]
    #[arg(long)]
    pub sandbox: bool,

    /// The sandbox's scenario (`--scenario help` lists them; default new-tenant)
    #[cfg(feature = "sandbox")]
    #[arg(long, value_name = "NAME", requires = "sandbox")]
    pub scenario: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Store, list, delete and check provider settings and secrets without the wizard
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Send one test message through the provider with the profile's settings
    #[command(
        name = "send-test",
        after_help = "Exit codes: 0 accepted (and, with --follow, not reported undelivered), 1 rejected or failed, 2 usage or missing/invalid settings (nothing is sent)."
    )]
    SendTest {
        /// Provider id
        #[arg(long, value_parser = providers())]
        provider: String,
        /// Recipient in E.164 form, e.g. +14155550100
        #[arg(long)]
        to: String,
        /// Message text (Twilio Verify sends its own template with a generated code)
        #[arg(long, default_value = crate::wizard::DEFAULT_TEST_TEXT)]
        text: String,
        /// Follow the delivery status for up to 30 s (Twilio, Verify attempts, Infobip logs, Esendex headers, Vonage Reports API)
        #[arg(long)]
        follow: bool,
    },
    /// Check the Auth0 tenant's SMS factor through the Management API
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Print the Action code for a provider to standard output (the secrets it reads go to standard error)
    #[command(
        after_help = "The API base URL is the profile's or SMS_MFA_<PROVIDER>_BASE_URL when set, else the provider's. Exit codes: 0 printed, 2 unknown provider or target, or an invalid base URL."
    )]
    Code {
        /// Provider id
        #[arg(long, value_parser = providers())]
        provider: String,
        /// Where Auth0 runs it: custom-phone-provider (Unified Phone Experience, new tenants) or send-phone-message (classic phone settings)
        #[arg(long, default_value = "custom-phone-provider")]
        target: String,
    },
    /// Run the troubleshooting checklist: provider credentials, test recipient, tenant configuration, sending code, recent failures
    #[command(
        after_help = "Settings and secrets come from the same places as everywhere else: SMS_MFA_<NAME>, the OS keyring, the profile. The tenant's part needs the Auth0 connection (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, or SMS_MFA_AUTH0_TOKEN) and is skipped without it. Nothing is sent and nothing on the tenant is changed. Colours only on a terminal, never with NO_COLOR set.\nExit codes: 0 no problems, 1 warnings only (or checks that could not run), 2 failures (or a usage error, such as an unknown provider)."
    )]
    Doctor {
        /// Provider id (default: the profile's chosen provider)
        #[arg(long, value_parser = providers())]
        provider: Option<String>,
        /// The test recipient to check, in E.164 form (default: the profile's, from step 3)
        #[arg(long)]
        to: Option<String>,
        /// Show the evidence of every check, passed and skipped ones too
        #[arg(long, short)]
        verbose: bool,
    },
    /// Trace messages from Auth0's log to the handset: the tenant's SMS log events and the provider's delivery records, joined into one timeline
    #[command(
        after_help = "Reads the provider's delivery records (Twilio Messages, Verify attempts, Infobip logs, Esendex message headers, Vonage's Reports API) with the profile's settings, and the tenant's SMS log events with the Auth0 connection, for one recipient (--to) or the latest failures of every recipient. Nothing is sent and nothing is changed.\nExit codes: 0 the latest message was delivered (without --to: no failures), 1 it was not, or nothing was found (without --to: failures found), 2 cannot look (settings, credentials, a key without the right to read the records)."
    )]
    Trace {
        /// The recipient, in E.164 form (default: the latest failures across all recipients)
        #[arg(long)]
        to: Option<String>,
        /// How far back to look: 30m, 2h, 1d (at most 30d)
        #[arg(long, default_value = "24h", value_name = "DURATION")]
        since: String,
        /// Provider id (default: the profile's chosen provider)
        #[arg(long, value_parser = providers())]
        provider: Option<String>,
        /// Records to read per side, at most 1000
        #[arg(long, default_value_t = crate::providers::delivery::DEFAULT_RECORDS)]
        limit: usize,
    },
    /// The tenant's SMS-related log events (sends and failures), with the provider's error text pulled out; --follow keeps polling
    #[command(
        after_help = "Like `auth0 logs tail`, filtered to phone delivery: gd_send_sms, gd_send_sms_failure, gd_send_voice, gd_send_voice_failure, fn and the phone Action's actions_execution_failed. --follow polls every --every seconds (at least 2, within the Management API's rate limit; a 429 is waited out) until Ctrl-C, or for --for seconds.\nExit codes: 0 read, 2 cannot read (connection, scope)."
    )]
    Logs {
        /// How far back the first read goes: 30m, 2h, 1d
        #[arg(long, default_value = "1h", value_name = "DURATION")]
        since: String,
        /// Keep polling for new events
        #[arg(long)]
        follow: bool,
        /// Seconds between polls with --follow (at least 2)
        #[arg(long, default_value_t = 5, value_name = "SECONDS")]
        every: u64,
        /// With --follow, stop after this many seconds (default: until interrupted)
        #[arg(long = "for", value_name = "SECONDS")]
        for_secs: Option<u64>,
    },
    /// Where you stand, in a few lines: the profile, the provider and where each of its settings comes from, the tenant connection, and the last check
    #[command(
        after_help = "Reads only: nothing is sent, nothing on the tenant is asked. Exit codes: 0 ready (the provider's settings complete and a tenant connection), 1 not set up yet (partly or at all), 2 usage."
    )]
    Status,
    /// List the profiles on this machine: each one's tenant domain and generation, provider, step and last check
    #[command(
        after_help = "Continue with one: sms-mfa --profile NAME (or SMS_MFA_PROFILE=NAME); a new name starts a new profile. The current profile is marked *. Reads only. Exit code: 0."
    )]
    Profiles,
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell
    #[command(
        after_help = "Install, for example:\n  bash:       sms-mfa completions bash > ~/.local/share/bash-completion/completions/sms-mfa\n  zsh:        sms-mfa completions zsh > \"${fpath[1]}/_sms-mfa\"\n  fish:       sms-mfa completions fish > ~/.config/fish/completions/sms-mfa.fish\n  elvish:     sms-mfa completions elvish >> ~/.config/elvish/rc.elv\n  powershell: sms-mfa completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) covering every subcommand
    #[command(after_help = "Read it with: sms-mfa man | man -l -")]
    Man,
    /// List what the provider account may send from (numbers, Messaging Services, Verify services, account references), with its credentials
    #[command(
        name = "list-senders",
        after_help = "Twilio: the SMS-capable numbers and the Messaging Services with their senders; Twilio Verify: the Verify services and whether custom codes are on (Auth0's code needs them); Vonage: the numbers and their features; Esendex: the account references; Infobip: nothing (no documented endpoint), type the sender by hand.\nExit codes: 0 listed, 1 the provider refused or failed, 2 unknown provider or missing credentials."
    )]
    ListSenders {
        /// Provider id
        #[arg(long, value_parser = providers())]
        provider: String,
    },
    /// Check the provider credentials without sending anything
    #[command(
        name = "check-credentials",
        after_help = "Exit codes: 0 the credentials work, 1 rejected, failed or unusable (e.g. a suspended account), 2 usage or missing/invalid settings."
    )]
    CheckCredentials {
        /// Provider id
        #[arg(long, value_parser = providers())]
        provider: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Inspect the tenant: generation, factor, Custom provider, policy, live code, secret names, failure logs
    #[command(
        after_help = "Connection: AUTH0_DOMAIN, AUTH0_CLIENT_ID (profile or SMS_MFA_*) and AUTH0_CLIENT_SECRET (keyring or SMS_MFA_AUTH0_CLIENT_SECRET), or a ready token in SMS_MFA_AUTH0_TOKEN. SMS_MFA_AUTH0_BASE_URL overrides https://DOMAIN.\nExit codes: 0 all checks pass, 1 problems found, 2 cannot check (settings, credentials, network)."
    )]
    Check,
    /// Plan the changes that make the tenant send codes through the provider; make them with --apply
    #[command(
        after_help = "The plan: the Action with the generated code and its secrets (from the keyring or SMS_MFA_*): on new tenants the one Action on custom-phone-provider, updated in place whatever its name (Auth0 allows one), else sms-mfa-PROVIDER; deploy it, bind it on classic tenants, disable a legacy hook it replaces (never deleted), set the delivery provider to Custom, enable the sms factor and SMS message types. The MFA policy is never changed. Before the first write, the code and settings it replaces are saved under DATA_DIR/backups/. Applying twice changes nothing the second time.\nExit codes: 0 nothing to change (or all applied), 1 changes pending (dry run) or a change failed, 2 cannot plan (settings, credentials, scopes, network)."
    )]
    Apply {
        /// Provider id (default: the profile's chosen provider)
        #[arg(long, value_parser = providers())]
        provider: Option<String>,
        /// Make the changes (without it: a dry run that only reads)
        #[arg(long)]
        apply: bool,
    },
    /// Connect sms-mfa to the tenant with one pasted Management API token: it makes (or corrects) its own Machine to Machine application with exactly the scopes it needs
    #[command(
        after_help = "The token: Auth0 Dashboard > Applications > APIs > Auth0 Management API > API Explorer. It is read from SMS_MFA_AUTH0_TOKEN, else standard input (a hidden prompt on a terminal), used for this run only and never stored.\nThe plan: create application 'sms-mfa' (non_interactive, client credentials) and grant it the scopes tenant check/apply/try use on this tenant's generation (no hook scopes on Unified Phone Experience tenants); store its secret in the keyring and the domain and client id in the profile. Run again, it only corrects the grant's scopes. Shown first; made on y or with --apply.\nExit codes: 0 connected (or nothing to change), 1 changes pending (dry run) or a change failed, 2 cannot plan (domain, token, scopes, network)."
    )]
    Connect {
        /// The tenant's domain, as pasted (https://acme.eu.auth0.com/ works); default: the profile's
        #[arg(long)]
        domain: Option<String>,
        /// Make the changes without asking (without it: the plan, and a question on a terminal)
        #[arg(long)]
        apply: bool,
        /// Also rotate the application's secret and store the new one in the keyring
        #[arg(long)]
        rotate_secret: bool,
    },
    /// Delete sms-mfa's application (and its grant) from the tenant and its secret from the keyring
    #[command(
        after_help = "Needs a pasted Management API token, as tenant connect does. Shown first; done on y or with --apply.\nExit codes: 0 removed (or nothing there), 1 not confirmed or a step failed, 2 cannot start (domain, token, scopes, network)."
    )]
    Disconnect {
        /// The tenant's domain (default: the profile's)
        #[arg(long)]
        domain: Option<String>,
        /// Remove without asking
        #[arg(long)]
        apply: bool,
    },
    /// Let Auth0 send a test message through the tenant's Custom phone provider (Unified Phone Experience)
    #[command(
        after_help = "This is Auth0's own end-to-end test: Auth0 runs the deployed Action, which calls the provider.\nExit codes: 0 Auth0 accepted it, 1 Auth0 refused it, 2 cannot try (settings, no Custom provider)."
    )]
    Try {
        /// Recipient in E.164 form, e.g. +14155550100
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Store one setting: secrets go to the OS keyring, the rest to the profile.
    /// The value is read from standard input (or a hidden prompt on a terminal), never from the command line.
    #[command(
        after_help = "Example: printf %s \"$TOKEN\" | sms-mfa secrets set twilio TWILIO_AUTH_TOKEN"
    )]
    Set {
        /// Provider id, or auth0 for the tenant's Management API client
        #[arg(value_parser = Suggest(setting_groups))]
        provider: String,
        /// Setting name, e.g. TWILIO_AUTH_TOKEN (see `secrets list`)
        #[arg(value_parser = Suggest(setting_names))]
        name: String,
    },
    /// Show where each setting comes from (environment, keyring, profile, missing); never a secret value
    List {
        /// Only this provider (default: the profile's chosen provider and every provider with something stored)
        #[arg(long, value_parser = Suggest(setting_groups))]
        provider: Option<String>,
    },
    /// Delete one stored setting (a keyring entry, or the value in the profile)
    #[command(
        after_help = "Exit codes: 0 deleted (or nothing was stored); 1 the keyring or the disk failed; 2 an unknown provider or setting name."
    )]
    Delete {
        /// Provider id, or auth0
        #[arg(value_parser = Suggest(setting_groups))]
        provider: String,
        /// Setting name
        #[arg(value_parser = Suggest(setting_names))]
        name: String,
    },
    /// Check that the OS keyring is reachable, writable and unlocked (writes, reads back and deletes a probe entry)
    Check,
}

/// The manual page: sms-mfa's own, then a section for every subcommand
/// (and theirs), rendered by clap_mangen from the same model as `--help`.
pub fn man_page(cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    fn sections(cmd: &clap::Command, path: &str, page: &mut Vec<u8>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{path} {}", sub.get_name());
            page.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
            let about = sub
                .get_long_about()
                .or(sub.get_about())
                .map(|a| a.to_string())
                .unwrap_or_default();
            page.extend_from_slice(format!("{}\n", roff_escape(&about)).as_bytes());
            let usage = sub
                .clone()
                .bin_name(name.clone())
                .render_usage()
                .to_string();
            page.extend_from_slice(
                format!(
                    ".PP\n\\fB{}\\fR\n",
                    roff_escape(usage.trim_start_matches("Usage: "))
                )
                .as_bytes(),
            );
            for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
                let flag = match (arg.get_long(), arg.get_short()) {
                    (Some(l), Some(s)) => format!("-{s}, --{l}"),
                    (Some(l), None) => format!("--{l}"),
                    (None, Some(s)) => format!("-{s}"),
                    (None, None) => arg.get_id().as_str().to_uppercase(),
                };
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                page.extend_from_slice(
                    format!(
                        ".TP\n\\fB{}\\fR\n{}\n",
                        roff_escape(&flag),
                        roff_escape(&help)
                    )
                    .as_bytes(),
                );
            }
            if let Some(after) = sub.get_after_help() {
                page.extend_from_slice(
                    format!(".PP\n{}\n", roff_escape(&after.to_string())).as_bytes(),
                );
            }
            sections(sub, &name, page)?;
        }
        Ok(())
    }
    sections(cmd, "sms-mfa", &mut page)?;
    Ok(page)
}

/// Text as roff: backslashes doubled, a leading dot or quote guarded, and
/// each paragraph on a line of its own.
fn roff_escape(text: &str) -> String {
    text.replace('\\', "\\e")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n.br\n")
}
