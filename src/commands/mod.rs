//! The headless subcommands: the same services as the wizard, for scripts
//! and CI, with `--json` output and documented exit codes.

pub mod code;
pub mod connect;
pub mod doctor;
pub mod output;
pub mod profiles;
pub mod provider;
pub mod secrets;
pub mod senders;
pub mod status;
pub mod tenant;
pub mod trace;

/// Exit codes of every command.
pub(crate) const OK: u8 = 0;
/// An operational failure: the keyring, the disk, the network.
pub const FAILURE: u8 = 1;
/// Usage error or invalid input.
pub const USAGE: u8 = 2;

/// Say that `id` is not a provider (listing the ones there are) and return
/// the usage exit code.
pub(crate) fn unknown_provider<'a>(
    err: &mut dyn std::io::Write,
    id: &str,
    ids: impl Iterator<Item = &'a str>,
) -> std::io::Result<u8> {
    let ids: Vec<&str> = ids.collect();
    writeln!(
        err,
        "sms-mfa: unknown provider {id:?}; use one of: {}",
        ids.join(", ")
    )?;
    Ok(USAGE)
}
