//! Command-line interface.

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "sms-mfa",
    version,
    about = "Get a custom SMS provider delivering Auth0 MFA codes, and keep it working.",
    long_about = "Get a custom SMS provider delivering Auth0 MFA codes, and keep it working.\n\n\
Without a subcommand, runs the wizard: choose the provider, enter its credentials, \
send a test message, check the tenant, and work through the troubleshooting checklist. \
Progress is saved per profile and resumed on the next start."
)]
pub struct Cli {
    /// Profile to use: one per tenant or setup (progress and settings are kept apart)
    #[arg(long, global = true, env = "SMS_MFA_PROFILE", default_value = crate::config::DEFAULT_PROFILE)]
    pub profile: String,

    /// How much to write to the log file in the data directory
    #[arg(long, global = true, default_value = "info", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub log_level: String,
}
