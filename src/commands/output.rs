//! How every headless command's output reaches the user: `--json` keeps
//! its promise of one JSON object on standard output even when a command
//! fails before it could print one, `--quiet` keeps standard output for
//! failures only, and colour follows one rule everywhere.

use serde_json::{Value, json};
use std::io::{self, Write};

/// Colour on standard output: never with `NO_COLOR` set (non-empty,
/// no-color.org), always with `CLICOLOR_FORCE` set to anything but `0`
/// (bixense.com/clicolors), else only on a terminal.
pub fn colour(is_terminal: bool, env: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |n: &str| env(n).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    is_terminal
}

/// `--no-input`, or `CI` set to a true value (as GitHub Actions, GitLab
/// and most CI services set it).
pub fn no_input(flag: bool, env: &dyn Fn(&str) -> Option<String>) -> bool {
    flag || env("CI").is_some_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        !v.is_empty() && v != "0" && v != "false" && v != "no"
    })
}

/// Standard output as a command sees it: remembers whether anything was
/// written, and under `--quiet` holds the text back (shown on standard
/// error only when the command fails).
pub struct Out<W: Write> {
    inner: W,
    held: Option<Vec<u8>>,
    wrote: bool,
}

impl<W: Write> Out<W> {
    pub fn new(inner: W, hold: bool) -> Out<W> {
        Out {
            inner,
            held: hold.then(Vec::new),
            wrote: false,
        }
    }

    pub(crate) fn wrote(&self) -> bool {
        self.wrote
    }

    /// What `--quiet` held back.
    pub(crate) fn held(&self) -> &[u8] {
        self.held.as_deref().unwrap_or_default()
    }

    pub(crate) fn inner(&mut self) -> &mut W {
        &mut self.inner
    }
}

impl<W: Write> Write for Out<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !buf.is_empty() {
            self.wrote = true;
        }
        match &mut self.held {
            Some(h) => {
                h.extend_from_slice(buf);
                Ok(buf.len())
            }
            None => self.inner.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Standard error, with a copy of what was said (for the JSON error).
pub struct Err<W: Write> {
    inner: W,
    copy: Vec<u8>,
}

impl<W: Write> Err<W> {
    pub fn new(inner: W) -> Err<W> {
        Err {
            inner,
            copy: Vec::new(),
        }
    }

    pub(crate) fn said(&self) -> String {
        String::from_utf8_lossy(&self.copy).into_owned()
    }
}

impl<W: Write> Write for Err<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.copy.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The error object of the JSON contract, from what a command said on
/// standard error and its exit code: `{"error": {kind, message, remedy},
/// "exit_code"}`. The kinds: `usage` (the command line), `input` (a value
/// or setting missing or invalid, or something needed to start), `keyring`,
/// `network`, `failed` (refused or failed on the way).
pub fn error(kind: Option<&str>, said: &str, code: u8) -> Value {
    let lines: Vec<&str> = said
        .lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with("note:") && !l.starts_with("SANDBOX"))
        .collect();
    let message = lines
        .first()
        .map(|l| l.trim_start_matches("sms-mfa: ").to_string())
        .unwrap_or_else(|| format!("failed with exit code {code}"));
    let remedy = (lines.len() > 1).then(|| lines[1..].join(" "));
    let lower = said.to_ascii_lowercase();
    let kind = kind.unwrap_or(if lower.contains("keyring") {
        "keyring"
    } else if lower.contains("network") || lower.contains("no answer from") {
        "network"
    } else if code == 2 {
        "input"
    } else {
        "failed"
    });
    json!({
        "error": {"kind": kind, "message": message, "remedy": remedy},
        "exit_code": code,
    })
}

/// After a command: with `--json` and nothing on standard output, the
/// error object; with `--quiet` and a failure, what was held back goes to
/// standard error.
pub fn finish<O: Write, E: Write>(
    json: bool,
    code: u8,
    out: &mut Out<O>,
    err: &mut Err<E>,
) -> io::Result<()> {
    if json && !out.wrote() {
        let doc = error(None, &err.said(), code);
        writeln!(out.inner(), "{}", serde_json::to_string_pretty(&doc)?)?;
    } else if !json && code != 0 && !out.held().is_empty() {
        let held = out.held().to_vec();
        err.write_all(&held)?;
    }
    out.flush()?;
    err.flush()
}

/// Does a command-line value look like a secret (a token or key typed where
/// the parser did not expect it)? 16 or more characters without spaces,
/// mixing letters and digits, not an option.
pub fn looks_secret(v: &str) -> bool {
    v.len() >= 16
        && !v.starts_with('-')
        && !v.contains(char::is_whitespace)
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && !v.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_no_color_then_clicolor_force_then_the_terminal() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |n: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(colour(true, &env(&[])));
        assert!(!colour(false, &env(&[])));
        assert!(!colour(true, &env(&[("NO_COLOR", "1")])));
        assert!(colour(true, &env(&[("NO_COLOR", "")])));
        assert!(colour(false, &env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!colour(false, &env(&[("CLICOLOR_FORCE", "0")])));
        assert!(!colour(
            true,
            &env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")])
        ));
        assert!(no_input(true, &env(&[])));
        assert!(!no_input(false, &env(&[])));
        assert!(no_input(false, &env(&[("CI", "true")])));
        assert!(!no_input(false, &env(&[("CI", "false")])));
        assert!(!no_input(false, &env(&[("CI", "0")])));
    }

    #[test]
    fn the_error_object_splits_message_and_remedy() {
        let e = error(
            None,
            "sms-mfa: TWILIO_AUTH_TOKEN is not set.\n  See `sms-mfa secrets list`.\n",
            2,
        );
        assert_eq!(e["error"]["kind"], "input");
        assert_eq!(e["error"]["message"], "TWILIO_AUTH_TOKEN is not set.");
        assert_eq!(e["error"]["remedy"], "See `sms-mfa secrets list`.");
        assert_eq!(e["exit_code"], 2);
        let e = error(None, "sms-mfa: could not read the keyring: locked.\n", 1);
        assert_eq!(e["error"]["kind"], "keyring");
        assert_eq!(e["error"]["remedy"], Value::Null);
        let e = error(None, "", 1);
        assert_eq!(e["error"]["kind"], "failed");
        assert_eq!(e["error"]["message"], "failed with exit code 1");
        assert_eq!(error(Some("usage"), "x", 2)["error"]["kind"], "usage");
    }

    #[test]
    fn secret_looking_values() {
        assert!(looks_secret("fedcba98765432100123456789abcdef"));
        assert!(looks_secret("AC0123456789abcdef0123456789abcdef"));
        assert!(!looks_secret("twilio"));
        assert!(!looks_secret("--unknown-flag-with-1234567"));
        assert!(!looks_secret("+14155550100"));
        assert!(!looks_secret("abcdefghijklmnopqrstu"));
    }

    #[test]
    fn quiet_holds_text_back_and_json_errors_fill_an_empty_stdout() {
        let mut out = Out::new(Vec::new(), true);
        let mut err = Err::new(Vec::new());
        write!(out, "✗ rejected").unwrap();
        writeln!(err, "sms-mfa: boom").unwrap();
        finish(false, 1, &mut out, &mut err).unwrap();
        assert!(out.inner().is_empty());
        assert!(String::from_utf8_lossy(&err.inner).contains("✗ rejected"));

        let mut out = Out::new(Vec::new(), false);
        let mut err = Err::new(Vec::new());
        writeln!(err, "sms-mfa: boom").unwrap();
        finish(true, 2, &mut out, &mut err).unwrap();
        let v: Value = serde_json::from_slice(out.inner()).unwrap();
        assert_eq!(v["error"]["message"], "boom");

        let mut out = Out::new(Vec::new(), true);
        let mut err = Err::new(Vec::new());
        writeln!(out, "fine").unwrap();
        finish(false, 0, &mut out, &mut err).unwrap();
        assert!(out.inner().is_empty() && err.inner.is_empty());
    }
}
