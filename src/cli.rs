//! Command-line interface.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sms-mfa",
    version,
    about = "Get a custom SMS provider delivering Auth0 MFA codes, and keep it working.",
    long_about = "Get a custom SMS provider delivering Auth0 MFA codes, and keep it working.\n\n\
Without a subcommand, runs the wizard: choose the provider, enter its credentials, \
send a test message, check the tenant, and work through the troubleshooting checklist. \
Progress is saved per profile and resumed on the next start.",
    after_help = "Exit codes: 0 ok, 1 operational failure (keyring, disk), 2 usage or invalid input."
)]
pub struct Cli {
    /// Profile to use: one per tenant or setup (progress, settings and secrets are kept apart)
    #[arg(long, global = true, env = "SMS_MFA_PROFILE", default_value = crate::config::DEFAULT_PROFILE)]
    pub profile: String,

    /// How much to write to the log file in the data directory
    #[arg(long, global = true, default_value = "info", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub log_level: String,

    /// Run the wizard against simulated provider and Auth0 APIs on this machine: no provider account, no tenant, nothing leaves the machine
    #[arg(long)]
    pub sandbox: bool,

    /// The sandbox's scenario (`--scenario help` lists them; default new-tenant)
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
        /// Provider id: twilio, twilio-verify, vonage, infobip, esendex
        #[arg(long)]
        provider: String,
        /// Recipient in E.164 form, e.g. +14155550100
        #[arg(long)]
        to: String,
        /// Message text (Twilio Verify sends its own template with a generated code)
        #[arg(long, default_value = crate::wizard::DEFAULT_TEST_TEXT)]
        text: String,
        /// Machine-readable output: one JSON object
        #[arg(long)]
        json: bool,
        /// Follow the delivery status for up to 30 s where the provider reports it (Twilio)
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
        /// Provider id: twilio, twilio-verify, vonage, infobip, esendex
        #[arg(long)]
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
        /// Provider id (default: the profile's chosen provider): twilio, twilio-verify, vonage, infobip, esendex
        #[arg(long)]
        provider: Option<String>,
        /// The test recipient to check, in E.164 form (default: the profile's, from step 3)
        #[arg(long)]
        to: Option<String>,
        /// Machine-readable output: a list of checks with id, category, status, title, evidence and remediation
        #[arg(long)]
        json: bool,
        /// Show the evidence of every check, passed and skipped ones too
        #[arg(long, short)]
        verbose: bool,
    },
    /// Check the provider credentials without sending anything
    #[command(
        name = "check-credentials",
        after_help = "Exit codes: 0 the credentials work, 1 rejected, failed or unusable (e.g. a suspended account), 2 usage or missing/invalid settings."
    )]
    CheckCredentials {
        /// Provider id: twilio, twilio-verify, vonage, infobip, esendex
        #[arg(long)]
        provider: String,
        /// Machine-readable output: one JSON object
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Inspect the tenant: generation, factor, Custom provider, policy, live code, secret names, failure logs
    #[command(
        after_help = "Connection: AUTH0_DOMAIN, AUTH0_CLIENT_ID (profile or SMS_MFA_*) and AUTH0_CLIENT_SECRET (keyring or SMS_MFA_AUTH0_CLIENT_SECRET), or a ready token in SMS_MFA_AUTH0_TOKEN. SMS_MFA_AUTH0_BASE_URL overrides https://DOMAIN.\nExit codes: 0 all checks pass, 1 problems found, 2 cannot check (settings, credentials, network)."
    )]
    Check {
        /// Machine-readable output
        #[arg(long)]
        json: bool,
    },
    /// Plan the changes that make the tenant send codes through the provider; make them with --apply
    #[command(
        after_help = "The plan: create or update the Action sms-mfa-PROVIDER with the generated code and its secrets (from the keyring or SMS_MFA_*), deploy it, bind it to the trigger of the tenant's generation, disable a legacy hook it replaces (never deleted), set the delivery provider to Custom, enable the sms factor and SMS message types. The MFA policy is never changed. Before the first write, the code and settings it replaces are saved under DATA_DIR/backups/. Applying twice changes nothing the second time.\nExit codes: 0 nothing to change (or all applied), 1 changes pending (dry run) or a change failed, 2 cannot plan (settings, credentials, scopes, network)."
    )]
    Apply {
        /// Provider id (default: the profile's chosen provider)
        #[arg(long)]
        provider: Option<String>,
        /// Make the changes (without it: a dry run that only reads)
        #[arg(long)]
        apply: bool,
        /// Machine-readable output
        #[arg(long)]
        json: bool,
    },
    /// Let Auth0 send a test message through the tenant's Custom phone provider (Unified Phone Experience)
    #[command(
        after_help = "This is Auth0's own end-to-end test: Auth0 runs the deployed Action, which calls the provider.\nExit codes: 0 Auth0 accepted it, 1 Auth0 refused it, 2 cannot try (settings, no Custom provider)."
    )]
    Try {
        /// Recipient in E.164 form, e.g. +14155550100
        #[arg(long)]
        to: String,
        /// Machine-readable output
        #[arg(long)]
        json: bool,
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
        /// Provider id (twilio, twilio-verify, vonage, infobip, esendex), or auth0 for the tenant's Management API client
        provider: String,
        /// Setting name, e.g. TWILIO_AUTH_TOKEN (see `secrets list`)
        name: String,
    },
    /// Show where each setting comes from (environment, keyring, profile, missing); never a secret value
    List {
        /// Only this provider (default: the profile's chosen provider and every provider with something stored)
        #[arg(long)]
        provider: Option<String>,
        /// Machine-readable output
        #[arg(long)]
        json: bool,
    },
    /// Delete one stored setting (a keyring entry, or the value in the profile)
    Delete {
        /// Provider id
        provider: String,
        /// Setting name
        name: String,
    },
    /// Check that the OS keyring is reachable, writable and unlocked (writes, reads back and deletes a probe entry)
    Check {
        /// Machine-readable output
        #[arg(long)]
        json: bool,
    },
}
