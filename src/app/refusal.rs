//! Why a run stopped before (or instead of) its work, and how that is said:
//! on standard error as `sms-mfa: …`, and for the refusals a script may
//! branch on, with `--json`, the error object on standard output. Each
//! message says what to do next.

use crate::commands::{FAILURE, USAGE, output};
use std::io::{self, Write};

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The command line does not parse: clap's words (a value that looks
    /// like a secret hidden, in Display and Debug too), with `--json` the
    /// `usage` error object.
    #[error("{error}")]
    CommandLine { error: ParseError, json: bool },
    /// Flags that do not go together, or a value that is not one: exit 2,
    /// kind `usage`.
    #[error("{message}")]
    Usage { message: String, json: bool },
    /// Something the run needs and does not have (a home directory, a
    /// terminal, permission to ask): exit 2, kind `input`.
    #[error("{message}")]
    Input { message: String, json: bool },
    /// The wizard's `--sandbox --scenario NAME` names none.
    #[error("unknown scenario {name:?}.\n\n{help}")]
    UnknownScenario { name: String, help: String },
    /// Another wizard has the profile, and `--no-input` forbids asking
    /// whether to open it read-only.
    #[error(
        "profile {profile} is in use by {who}, and CI=true forbids asking whether to open it read-only: quit it first, or use another --profile."
    )]
    ProfileInUse { profile: String, who: String },
    #[error("cannot start the async runtime: {0}")]
    Runtime(io::Error),
    #[error("cannot show the profiles ({0}).")]
    Chooser(io::Error),
    #[error("cannot write the sandbox profile: {0}")]
    SandboxProfile(io::Error),
    #[error("terminal error: {0}")]
    Terminal(io::Error),
    #[error("cannot render the manual page: {0}")]
    Manual(io::Error),
}

/// clap's error for a command line that does not parse. Its text and its
/// Debug are clap's rendering with every value that looks like a secret
/// replaced (clap's own Debug and Display would repeat the value typed).
pub struct ParseError(pub clap::Error);

impl ParseError {
    pub fn kind(&self) -> clap::error::ErrorKind {
        self.0.kind()
    }

    /// clap's rendering with the secret-looking values replaced, and
    /// whether there was one.
    fn hidden(&self) -> (String, bool) {
        use clap::error::{ContextKind, ContextValue};
        let mut text = self.0.render().to_string();
        let mut hidden = false;
        for (kind, value) in self.0.context() {
            if !matches!(
                kind,
                ContextKind::InvalidArg
                    | ContextKind::InvalidValue
                    | ContextKind::InvalidSubcommand
            ) {
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
        (text, hidden)
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hidden().0)
    }
}

impl std::fmt::Debug for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseError")
            .field("kind", &self.kind())
            .field("text", &self.hidden().0)
            .finish()
    }
}

impl Refusal {
    /// The exit code: 2 for what the user can change (usage, input), 1
    /// for what failed on this machine; clap's own for a command line.
    pub fn code(&self) -> u8 {
        match self {
            // clap's: 2 for every error, a group without its subcommand
            // (help shown) included; `--help` and `--version` never get
            // here (`app::run` answers them).
            Refusal::CommandLine { error, .. } => error.0.exit_code().clamp(0, 255) as u8,
            Refusal::Usage { .. }
            | Refusal::Input { .. }
            | Refusal::UnknownScenario { .. }
            | Refusal::ProfileInUse { .. } => USAGE,
            Refusal::Runtime(_)
            | Refusal::Chooser(_)
            | Refusal::SandboxProfile(_)
            | Refusal::Terminal(_)
            | Refusal::Manual(_) => FAILURE,
        }
    }

    /// Say it on this process's standard error (and output), and return
    /// the exit code.
    pub fn report(&self) -> u8 {
        self.report_to(&mut io::stdout(), &mut io::stderr())
    }

    /// Say it on `err` (and, with `--json`, the error object on `out`);
    /// the exit code.
    pub fn report_to(&self, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
        let code = self.code();
        // Nothing is left to tell about a closed standard error.
        let _ = match self {
            Refusal::CommandLine { error, json } => command_line(error, *json, code, out, err),
            Refusal::Usage { message, json } => refuse(*json, "usage", message, out, err),
            Refusal::Input { message, json } => refuse(*json, "input", message, out, err),
            _ => writeln!(err, "sms-mfa: {self}"),
        };
        code
    }
}

/// The message on `err`, and with `--json` the error object on `out`.
fn refuse(
    json: bool,
    kind: &str,
    message: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    writeln!(err, "sms-mfa: {message}")?;
    if json {
        print_json(out, &output::error(Some(kind), message, USAGE))?;
    }
    Ok(())
}

/// A command-line error. A value that looks like a secret, typed where the
/// parser did not expect it, is never echoed (it would land in the
/// scrollback and CI logs). With `--json`, the error object too.
fn command_line(
    e: &ParseError,
    json: bool,
    code: u8,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    let (mut text, hidden) = e.hidden();
    if hidden {
        text.push_str("\nSecrets are never given on the command line: `sms-mfa secrets set PROVIDER NAME` reads the value from standard input (or a hidden prompt), and SMS_MFA_<NAME> in the environment works too.\n");
    }
    let text = crate::sanitize::sanitize(&text);
    write!(err, "{text}")?;
    if json {
        let first = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        let doc = serde_json::json!({"error": {"kind": "usage", "message": first,
            "remedy": "See sms-mfa --help (or the subcommand's --help)."}, "exit_code": code});
        print_json(out, &doc)?;
    }
    Ok(())
}

/// The error object, pretty, as every `--json` answer is.
fn print_json(out: &mut dyn Write, doc: &serde_json::Value) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(doc).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn said(r: &Refusal) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = r.report_to(&mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    fn parse(args: &[&str], json: bool) -> Refusal {
        let error = crate::cli::Cli::try_parse_from(args).unwrap_err();
        Refusal::CommandLine {
            error: ParseError(error),
            json,
        }
    }

    #[test]
    fn each_refusal_has_its_exit_code() {
        let io = || io::Error::other("x");
        let usage = [
            Refusal::Usage {
                message: "m".into(),
                json: false,
            },
            Refusal::Input {
                message: "m".into(),
                json: true,
            },
            Refusal::UnknownScenario {
                name: "n".into(),
                help: "h".into(),
            },
            Refusal::ProfileInUse {
                profile: "p".into(),
                who: "PID 1".into(),
            },
            parse(&["sms-mfa", "--nonsense"], false),
            parse(&["sms-mfa", "tenant"], false),
        ];
        for r in &usage {
            assert_eq!(r.code(), USAGE, "{r:?}");
            assert_eq!(said(r).0, USAGE, "{r:?}");
        }
        let failed = [
            Refusal::Runtime(io()),
            Refusal::Chooser(io()),
            Refusal::SandboxProfile(io()),
            Refusal::Terminal(io()),
            Refusal::Manual(io()),
        ];
        for r in &failed {
            assert_eq!(r.code(), FAILURE, "{r:?}");
        }
    }

    #[test]
    fn usage_and_input_say_it_on_stderr_and_with_json_as_the_error_object() {
        let r = Refusal::Input {
            message: "the wizard needs a terminal; run it in one.".into(),
            json: false,
        };
        let (_, out, err) = said(&r);
        assert_eq!(out, "");
        assert_eq!(
            err,
            "sms-mfa: the wizard needs a terminal; run it in one.\n"
        );
        let r = Refusal::Usage {
            message: "bad profile".into(),
            json: true,
        };
        let (_, out, err) = said(&r);
        assert_eq!(err, "sms-mfa: bad profile\n");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["error"]["kind"], "usage");
        assert_eq!(v["error"]["message"], "bad profile");
        assert_eq!(v["exit_code"], 2);
    }

    #[test]
    fn the_others_are_one_line_on_stderr() {
        let r = Refusal::ProfileInUse {
            profile: "acme".into(),
            who: "PID 42".into(),
        };
        let (_, out, err) = said(&r);
        assert_eq!(out, "");
        assert!(
            err.starts_with("sms-mfa: profile acme is in use by PID 42, and CI=true"),
            "{err}"
        );
        let (_, _, err) = said(&Refusal::Terminal(io::Error::other("gone")));
        assert_eq!(err, "sms-mfa: terminal error: gone\n");
    }

    #[test]
    fn a_command_line_error_hides_a_secret_and_with_json_is_a_usage_object() {
        let secret = "fedcba98765432100123456789abcdef";
        // An unexpected argument, and one where a subcommand was expected.
        for args in [
            &["sms-mfa", "doctor", secret, "--json"][..],
            &["sms-mfa", secret],
        ] {
            let refusal = parse(args, true);
            // Nor in its text or Debug, should a caller log it.
            for shown in [refusal.to_string(), format!("{refusal:?}")] {
                assert!(!shown.contains(secret), "{shown}");
                assert!(
                    shown.contains("[hidden: it looks like a secret]"),
                    "{shown}"
                );
            }
            let (code, out, err) = said(&refusal);
            assert_eq!(code, USAGE);
            assert!(!err.contains(secret) && !out.contains(secret), "{err}{out}");
            assert!(err.contains("[hidden: it looks like a secret]"), "{err}");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["error"]["kind"], "usage");
            assert_eq!(v["exit_code"], 2);
        }
    }

    #[test]
    fn a_group_without_its_subcommand_shows_help_and_exits_2() {
        for group in ["secrets", "tenant"] {
            let r = parse(&["sms-mfa", group], false);
            let Refusal::CommandLine { error, .. } = &r else {
                panic!("{r:?}")
            };
            assert_eq!(
                error.kind(),
                clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
                "{group}"
            );
            assert_eq!(r.code(), USAGE, "{group}");
        }
    }
}
