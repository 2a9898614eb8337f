//! What sms-mfa says about itself, with no profile, no log and no home
//! directory needed: `--version`, `completions SHELL`, `man`.

use super::Refusal;
use crate::cli::Cli;
use clap::CommandFactory;
use std::io::Write;

/// `--version`: the version, the commit, the build target, the features.
pub fn version(json: bool) -> u8 {
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
pub fn completions(shell: clap_complete::Shell) -> u8 {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "sms-mfa", &mut std::io::stdout());
    0
}

/// `man`: the page of sms-mfa, then one section per subcommand.
pub fn man() -> Result<u8, Refusal> {
    let page = crate::cli::man_page(&Cli::command()).map_err(Refusal::Manual)?;
    let _ = std::io::stdout().write_all(&page);
    Ok(0)
}
