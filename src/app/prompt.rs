//! The questions asked on the terminal outside the wizard: the token for
//! `tenant connect`, a yes/no, a value for `secrets set`, and whether to
//! open a profile another wizard has read-only. `--no-input` (or CI=true)
//! never asks; it says which flag or variable supplies the answer.

use super::Refusal;
use crate::providers::Setting;
use crate::settings;
use std::io::{IsTerminal, Read, Write};

/// The Management API token for `tenant connect`: a hidden prompt on a
/// terminal, else one line of standard input. Never an argument, never
/// echoed.
pub fn read_token(no_input: bool) -> std::io::Result<String> {
    if std::io::stdin().is_terminal() {
        if no_input {
            return Err(std::io::Error::new(
                std::io::ErrorKind::WouldBlock,
                "tenant connect would prompt for the token, and --no-input (or CI=true) forbids it. Pipe it in (printf %s \"$TOKEN\" | sms-mfa tenant connect ...) or set SMS_MFA_AUTH0_TOKEN.",
            ));
        }
        return rpassword::prompt_password("Management API token (hidden): ");
    }
    read_stdin()
}

/// All of standard input, up to 64 KiB (a token or a value, never more).
fn read_stdin() -> std::io::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .take(64 * 1024)
        .read_to_string(&mut text)?;
    Ok(text)
}

/// Ask `question` [y/N] on the terminal; None when there is none to ask
/// on (or --no-input).
pub fn confirm(question: &str, no_input: bool) -> Option<bool> {
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
pub fn read_value(setting: &Setting, no_input: bool) -> std::io::Result<String> {
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
    if !no_input {
        return read_stdin();
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read_stdin());
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

/// Another wizard has the profile: say so and ask whether to open it
/// read-only or quit. `Ok(Some(notice))` for the read-only wizard,
/// `Ok(None)` to quit; with `--no-input`, the refusal (nothing may ask).
pub fn open_read_only(
    profile: &str,
    pid: Option<u32>,
    no_input: bool,
) -> Result<Option<String>, Refusal> {
    let who = pid.map_or_else(
        || "another sms-mfa wizard".to_string(),
        |p| format!("PID {p}"),
    );
    if no_input {
        return Err(Refusal::ProfileInUse {
            profile: profile.to_string(),
            who,
        });
    }
    eprint!(
        "sms-mfa: profile {profile} in use by {who}: its saves and yours would overwrite each other.\r\n\
         Open it read-only (nothing is saved) or quit? [r/Q] "
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    Ok(line.trim().eq_ignore_ascii_case("r").then(|| {
        format!("Read-only: profile {profile} is in use by {who}; nothing you change here is saved to it.")
    }))
}
