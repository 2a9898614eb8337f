//! The command line as scripts use it: completions and the man page, the
//! JSON contract (one object on standard output, errors included, with the
//! fields the README lists), `--no-input` never waiting, `--quiet`, stray
//! secrets never echoed, the exit codes, `--version`, `status`, and the
//! README's usage checked against `--help`.

use crate::common;

use clap::CommandFactory;
use common::keyring::{Run, command, sms_mfa};
use serde_json::Value;
use sms_mfa::cli::Cli;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const README: &str = include_str!("../../README.md");

fn run(home: &Path, args: &[&str]) -> Run {
    sms_mfa(home, args, "", &[])
}

fn run_env(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, v.to_string())).collect();
    sms_mfa(home, args, "", &env)
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {r:?}"))
}

fn keys(v: &Value) -> BTreeSet<String> {
    let obj = match v {
        Value::Array(a) => a.first().unwrap_or(&Value::Null),
        other => other,
    };
    obj.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

/// The README's JSON table: command -> its top-level fields.
fn readme_fields(command: &str) -> BTreeSet<String> {
    let section = README
        .split("#### JSON output")
        .nth(1)
        .expect("the README's JSON section");
    let row = section
        .lines()
        .find(|l| {
            l.starts_with(&format!("| `{command}` |"))
                || (command == "error" && l.starts_with("| any command that fails"))
        })
        .unwrap_or_else(|| panic!("a README row for {command}"));
    let fields = row.split('|').nth(2).unwrap();
    fields
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn completions_cover_every_shell_subcommand_and_provider() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(home.path(), &["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {r:?}");
        for word in [
            "send-test",
            "check-credentials",
            "doctor",
            "tenant",
            "secrets",
            "status",
            "no-input",
        ] {
            assert!(r.stdout.contains(word), "{shell} lacks {word}");
        }
        // Values: where clap's scripts complete them (not elvish or
        // PowerShell, whose generators list subcommands and flags only).
        if ["bash", "zsh", "fish"].contains(&shell) {
            for id in ["twilio-verify", "esendex", "infobip"] {
                assert!(r.stdout.contains(id), "{shell} lacks {id}");
            }
        }
    }
    let r = run(home.path(), &["completions", "bash"]);
    assert!(
        r.stdout.contains("TWILIO_AUTH_TOKEN") && r.stdout.contains("AUTH0_CLIENT_SECRET"),
        "setting names are completed"
    );
    let r = run(home.path(), &["completions", "tcsh"]);
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn the_man_page_renders_every_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let r = run(home.path(), &["man"]);
    assert_eq!(r.code, 0, "{r:?}");
    let page = &r.stdout;
    assert!(page.contains(".TH sms-mfa 1"), "{page}");
    let mut paths = Vec::new();
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let p = format!("{path} {}", sub.get_name());
            out.push(p.clone());
            walk(sub, &p, out);
        }
    }
    walk(&Cli::command(), "sms-mfa", &mut paths);
    assert!(paths.len() >= 15, "{paths:?}");
    for p in &paths {
        assert!(
            page.contains(&format!(".SH \"{}\"", p.to_uppercase())),
            "no section for {p}"
        );
    }
    // Rendered by man itself where it is installed (.ci/run installs man-db).
    if let Ok(mut child) = std::process::Command::new("man")
        .args(["-l", "-"])
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("SMS-MFA TENANT APPLY"), "{text}");
        assert!(text.contains("--no-input"), "{text}");
    }
}

/// Every failure, with `--json`, is one parseable object on standard
/// output with the documented error fields, and the exit codes stay.
#[test]
fn every_failure_with_json_is_one_object_on_stdout() {
    let home = tempfile::tempdir().unwrap();
    let expect = readme_fields("error");
    let cases: Vec<(Vec<&str>, i32)> = vec![
        // usage errors
        (vec!["send-test", "--provider", "twilio", "--json"], 2),
        (vec!["--json", "doctor", "--no-such-flag"], 2),
        (vec!["--json", "--profile", "../x", "status"], 2),
        // bad input and missing settings
        (
            vec![
                "send-test",
                "--provider",
                "nope",
                "--to",
                "+14155550100",
                "--json",
            ],
            2,
        ),
        (
            vec![
                "send-test",
                "--provider",
                "twilio",
                "--to",
                "0155",
                "--json",
            ],
            2,
        ),
        // missing settings, one of them a secret the keyring could not give
        (
            vec![
                "send-test",
                "--provider",
                "twilio",
                "--to",
                "+14155550100",
                "--json",
            ],
            1,
        ),
        (
            vec!["check-credentials", "--provider", "vonage", "--json"],
            1,
        ),
        (vec!["doctor", "--provider", "nope", "--json"], 2),
        (vec!["code", "--provider", "nope", "--json"], 2),
        (vec!["tenant", "check", "--json"], 2),
        (vec!["tenant", "apply", "--json"], 2),
        (vec!["tenant", "try", "--to", "+14155550100", "--json"], 2),
        (vec!["secrets", "set", "nope", "X", "--json"], 2),
        (vec!["secrets", "delete", "twilio", "NOPE", "--json"], 2),
        (vec!["--sandbox", "secrets", "list", "--json"], 2),
        // keyring failure (no Secret Service in this environment)
        (
            vec!["secrets", "delete", "twilio", "TWILIO_AUTH_TOKEN", "--json"],
            1,
        ),
    ];
    for (args, code) in cases {
        let r = run(home.path(), &args);
        assert_eq!(r.code, code, "{args:?}: {r:?}");
        let v = json(&r);
        assert_eq!(keys(&v), expect, "{args:?}: {v}");
        let e = &v["error"];
        assert!(
            ["usage", "input", "keyring", "network", "failed"]
                .contains(&e["kind"].as_str().unwrap()),
            "{v}"
        );
        assert!(!e["message"].as_str().unwrap().is_empty(), "{v}");
        assert_eq!(v["exit_code"], code, "{v}");
    }
    // secrets set with nothing to read says why, as JSON too.
    let r = sms_mfa(
        home.path(),
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN", "--json"],
        "",
        &[],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        json(&r)["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no value was given")
    );
}

/// The README's JSON table, command by command, against what the commands
/// print (in the sandbox, so every one has something to say).
#[test]
fn json_fields_are_exactly_the_readmes() {
    let home = tempfile::tempdir().unwrap();
    let check = |name: &str, args: &[&str]| {
        let r = run(home.path(), args);
        let v = json(&r);
        assert_eq!(keys(&v), readme_fields(name), "{name}: {r:?}");
        v
    };
    let v = check(
        "send-test",
        &[
            "--sandbox",
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
            "--json",
        ],
    );
    assert_eq!(v["outcome"], "accepted");
    let v = check(
        "send-test",
        &[
            "--sandbox",
            "--scenario",
            "trial-account",
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
            "--json",
        ],
    );
    assert_eq!(v["outcome"], "rejected", "{v}");
    check(
        "check-credentials",
        &[
            "--sandbox",
            "check-credentials",
            "--provider",
            "vonage",
            "--json",
        ],
    );
    check(
        "doctor",
        &["--sandbox", "doctor", "--provider", "twilio", "--json"],
    );
    check("tenant check", &["--sandbox", "tenant", "check", "--json"]);
    check(
        "tenant apply",
        &[
            "--sandbox",
            "tenant",
            "apply",
            "--provider",
            "twilio",
            "--json",
        ],
    );
    let v = check("code", &["code", "--provider", "vonage", "--json"]);
    assert!(
        v["code"]
            .as_str()
            .unwrap()
            .contains("onExecuteCustomPhoneProvider")
    );
    assert_eq!(v["secrets"][0], "VONAGE_API_KEY");
    let v = check(
        "trace",
        &[
            "--sandbox",
            "--scenario",
            "failure-logs",
            "trace",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
            "--json",
        ],
    );
    assert_eq!(v["verdict"], "not-delivered", "{v}");
    check(
        "logs",
        &["--sandbox", "--scenario", "failure-logs", "logs", "--json"],
    );
    let v = check(
        "tenant connect",
        &["--sandbox", "tenant", "connect", "--apply", "--json"],
    );
    assert_eq!(v["applied"]["failed"], Value::Null, "{v}");
    assert_eq!(v["scopes"].as_array().unwrap().len(), 11, "{v}");
    check(
        "tenant disconnect",
        &["--sandbox", "tenant", "disconnect", "--json"],
    );
    let v = check(
        "list-senders",
        &[
            "--sandbox",
            "list-senders",
            "--provider",
            "twilio",
            "--json",
        ],
    );
    assert_eq!(v["choices"][0]["value"], "+15005550006", "{v}");
    let r = sms_mfa(
        home.path(),
        &["secrets", "set", "twilio", "TWILIO_ACCOUNT_SID"],
        "AC0123456789abcdef0123456789abcdef",
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let v = check("profiles", &["profiles", "--json"]);
    assert_eq!(v[0]["name"], "default", "{v}");
    assert_eq!(v[0]["current"], true, "{v}");
    check("secrets list", &["secrets", "list", "--json"]);
    check("secrets check", &["secrets", "check", "--json"]);
    check("status", &["status", "--json"]);
    let v = check("--version", &["--version", "--json"]);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert!(!v["commit"].as_str().unwrap().is_empty());
    assert!(v["target"].as_str().unwrap().contains("-"), "{v}");
    // No field name with a trailing underscore anywhere.
    let r = run(
        home.path(),
        &[
            "--sandbox",
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
            "--follow",
            "--json",
        ],
    );
    assert!(!r.stdout.contains("_\""), "{}", r.stdout);
    assert!(r.stdout.contains("\"final\""), "{}", r.stdout);
}

#[test]
fn version_says_commit_target_and_features() {
    let home = tempfile::tempdir().unwrap();
    let r = run(home.path(), &["--version"]);
    assert_eq!(r.code, 0);
    let line = r.stdout.trim();
    assert!(
        line.starts_with(&format!("sms-mfa {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    assert!(line.contains("features: "), "{line}");
    assert!(
        line.contains("-linux-") || line.contains("-apple-") || line.contains("-windows-"),
        "{line}"
    );
}

/// `--no-input` never waits: a prompt fails at once, and standard input
/// that stays open and silent is given up on within a few seconds.
#[test]
fn no_input_never_waits_on_stdin() {
    let home = tempfile::tempdir().unwrap();
    // Closed and empty.
    let started = Instant::now();
    let r = run(
        home.path(),
        &[
            "--no-input",
            "secrets",
            "set",
            "twilio",
            "TWILIO_AUTH_TOKEN",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Open and silent, with CI=true standing for --no-input.
    for args in [
        &[
            "--no-input",
            "secrets",
            "set",
            "twilio",
            "TWILIO_AUTH_TOKEN",
        ][..],
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
    ] {
        let env = [("CI", "true".to_string())];
        let mut child = command(home.path(), args, &env).spawn().unwrap();
        let _stdin = child.stdin.take(); // held open, never written
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{args:?} waited on stdin"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(status.code(), Some(2), "{args:?}");
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        assert!(
            err.contains("no value arrived on standard input")
                && err.contains("SMS_MFA_TWILIO_AUTH_TOKEN"),
            "{err}"
        );
    }
    // The wizard under --no-input: refused at once, with what to use.
    let r = run(home.path(), &["--no-input"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("--no-input forbids") && r.stderr.contains("doctor"),
        "{r:?}"
    );
    // A piped value is still read under CI=true.
    let r = sms_mfa(
        home.path(),
        &["secrets", "set", "twilio", "TWILIO_ACCOUNT_SID"],
        "AC0123456789abcdef0123456789abcdef\n",
        &[("CI", "true".to_string())],
    );
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn quiet_prints_only_errors() {
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        &[
            "--sandbox",
            "--quiet",
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "", "{r:?}");
    assert_eq!(r.stderr, "", "not even the SANDBOX line: {r:?}");
    // A failure shows what was held back, on standard error.
    let r = run(
        home.path(),
        &[
            "--sandbox",
            "--scenario",
            "trial-account",
            "-q",
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("21608"), "{r:?}");
    // With --json the JSON is still printed.
    let r = run(
        home.path(),
        &[
            "--sandbox",
            "-q",
            "check-credentials",
            "--provider",
            "twilio",
            "--json",
        ],
    );
    assert_eq!(json(&r)["outcome"], "ok", "{r:?}");
}

#[test]
fn a_secret_given_as_an_argument_is_never_echoed() {
    let home = tempfile::tempdir().unwrap();
    let secret = "fedcba98765432100123456789abcdef";
    for args in [
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN", secret][..],
        &[
            "send-test",
            "--provider",
            "twilio",
            "--to",
            "+14155550100",
            secret,
        ],
        &["doctor", secret, "--json"],
        // Where a subcommand was expected.
        &[secret],
    ] {
        let r = run(home.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(
            !r.stderr.contains(secret) && !r.stdout.contains(secret),
            "{args:?}: {r:?}"
        );
        assert!(
            r.stderr.contains("[hidden: it looks like a secret]"),
            "{r:?}"
        );
        assert!(r.stderr.contains("secrets set"), "{r:?}");
    }
    // An ordinary mistake is still shown as typed.
    let r = run(
        home.path(),
        &["send-test", "--provider", "twilio", "--to", "+1", "extra"],
    );
    assert!(r.stderr.contains("'extra'"), "{r:?}");
}

/// One row of the README's exit-code table each (128+N: the SIGTERM tests
/// of tests/tenant_apply.rs and tests/pty.rs).
#[test]
fn exit_codes_follow_the_table() {
    let home = tempfile::tempdir().unwrap();
    // 0: success.
    assert_eq!(run(home.path(), &["--version"]).code, 0);
    assert_eq!(
        run(
            home.path(),
            &["--sandbox", "check-credentials", "--provider", "twilio"]
        )
        .code,
        0
    );
    // 1: problems found / refused / operational failure.
    assert_eq!(run(home.path(), &["status"]).code, 1, "not set up");
    assert_eq!(
        run(
            home.path(),
            &["--sandbox", "--scenario", "voice-only", "tenant", "check"]
        )
        .code,
        1
    );
    assert_eq!(
        run(
            home.path(),
            &["secrets", "delete", "twilio", "TWILIO_AUTH_TOKEN"]
        )
        .code,
        1,
        "no keyring here"
    );
    // 2: usage, bad input, cannot start.
    assert_eq!(run(home.path(), &["--no-such-flag"]).code, 2);
    assert_eq!(
        run(home.path(), &["secrets", "delete", "twilio", "NOPE"]).code,
        2
    );
    assert_eq!(
        run(home.path(), &["tenant", "check"]).code,
        2,
        "no connection"
    );
    assert_eq!(run(home.path(), &[]).code, 2, "no terminal for the wizard");
    for row in ["| 0 |", "| 1 |", "| 2 |", "| 128+N |"] {
        assert!(README.contains(row), "{row}");
    }
}

/// `status` when nothing, part, or everything is set up, and after a check.
#[test]
fn status_in_each_state() {
    let home = tempfile::tempdir().unwrap();
    let r = run(home.path(), &["status"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("✗ Provider: none chosen"), "{r:?}");
    assert!(r.stdout.contains("not connected"), "{r:?}");
    assert!(r.stdout.contains("Last check: none yet"), "{r:?}");

    let dir = home.path().join("config/sms-mfa/profiles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("default.toml"),
        "provider = \"twilio\"\nstep = \"test-message\"\n",
    )
    .unwrap();
    let partly = [(
        "SMS_MFA_TWILIO_ACCOUNT_SID",
        "AC0123456789abcdef0123456789abcdef",
    )];
    let r = run_env(home.path(), &["status"], &partly);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("3 of 5, Send a test message"), "{r:?}");
    assert!(
        r.stdout
            .contains("Twilio Programmable SMS (twilio): settings incomplete"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("TWILIO_ACCOUNT_SID") && r.stdout.contains("environment"),
        "{r:?}"
    );

    let fully = [
        (
            "SMS_MFA_TWILIO_ACCOUNT_SID",
            "AC0123456789abcdef0123456789abcdef",
        ),
        (
            "SMS_MFA_TWILIO_AUTH_TOKEN",
            "0123456789abcdef0123456789abcdef",
        ),
        ("SMS_MFA_TWILIO_PHONE_NUMBER", "+15005550006"),
        ("SMS_MFA_AUTH0_DOMAIN", "acme.eu.auth0.com"),
        (
            "SMS_MFA_AUTH0_CLIENT_ID",
            "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        ),
        (
            "SMS_MFA_AUTH0_CLIENT_SECRET",
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_01",
        ),
    ];
    let r = run_env(home.path(), &["status"], &fully);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("✓ Tenant: acme.eu.auth0.com"), "{r:?}");
    let v: Value =
        serde_json::from_str(&run_env(home.path(), &["status", "--json"], &fully).stdout).unwrap();
    assert_eq!(v["ready"], true);
    assert_eq!(v["provider"]["complete"], true);

    // A check is remembered (here one that could not reach the tenant).
    let r = run_env(
        home.path(),
        &["tenant", "check"],
        &[
            ("SMS_MFA_AUTH0_DOMAIN", "acme.eu.auth0.com"),
            ("SMS_MFA_AUTH0_TOKEN", "t"),
            ("SMS_MFA_AUTH0_BASE_URL", "http://127.0.0.1:9"),
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(home.path(), &["status"]);
    assert!(r.stdout.contains("Last check: tenant check at "), "{r:?}");
}

/// The README's usage names every subcommand and every flag `--help` has.
#[test]
fn the_readme_usage_matches_help() {
    let usage = README
        .split("## Usage")
        .nth(1)
        .unwrap()
        .split("```")
        .nth(1)
        .unwrap();
    fn walk(cmd: &clap::Command, path: &str, usage: &str) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let p = format!("{path} {}", sub.get_name());
            if sub.get_subcommands().next().is_none() {
                assert!(usage.contains(&p), "the README's usage lacks `{p}`");
                for arg in sub.get_arguments() {
                    if let Some(l) = arg.get_long()
                        && !arg.is_global_set()
                    {
                        assert!(
                            README.contains(&format!("--{l}")),
                            "the README never names {p} --{l}"
                        );
                    }
                }
            }
            walk(sub, &p, usage);
        }
    }
    walk(&Cli::command(), "sms-mfa", usage);
    for arg in Cli::command().get_arguments() {
        if let Some(l) = arg.get_long() {
            assert!(
                README.contains(&format!("`--{l}")),
                "the README's flags lack --{l}"
            );
        }
    }
}

/// One colour rule for every command that colours (doctor, tenant check):
/// none without a terminal, CLICOLOR_FORCE forces it, NO_COLOR wins.
#[test]
fn colour_follows_no_color_and_clicolor_force_everywhere() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--sandbox", "doctor", "--provider", "twilio"][..],
        &["--sandbox", "tenant", "check"],
    ] {
        let plain = run(home.path(), args);
        assert!(!plain.stdout.contains('\x1b'), "{args:?}: {plain:?}");
        let forced = run_env(home.path(), args, &[("CLICOLOR_FORCE", "1")]);
        assert!(forced.stdout.contains("\x1b[3"), "{args:?}: {forced:?}");
        let both = run_env(
            home.path(),
            args,
            &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
        );
        assert!(!both.stdout.contains('\x1b'), "{args:?}: {both:?}");
        let off = run_env(home.path(), args, &[("CLICOLOR_FORCE", "0")]);
        assert!(!off.stdout.contains('\x1b'), "{args:?}: {off:?}");
    }
}

/// Ctrl-D at the hidden prompt of `secrets set` is "no value", exit 2, as
/// empty standard input is (it was exit 1, "unexpected end of file").
#[test]
fn ctrl_d_at_the_hidden_prompt_is_no_value() {
    let home = tempfile::tempdir().unwrap();
    let mut s = common::Session::spawn_with(
        &["secrets", "set", "twilio", "TWILIO_AUTH_TOKEN"],
        home.path(),
        80,
        24,
        &[],
    );
    s.wait_for("TWILIO_AUTH_TOKEN");
    s.send("\x04");
    assert_eq!(s.wait_exit(), 2);
    assert!(s.screen().contains("no value was given"), "{}", s.screen());
}

/// `trace` and `logs` in the sandbox: the scenarios' past messages
/// (assets/scenarios.toml `history`) joined with the simulated tenant's
/// log, and the exit codes of the README's row.
#[test]
fn trace_and_logs_in_the_sandbox() {
    let home = tempfile::tempdir().unwrap();
    let trace = |scenario: &str, extra: &[&str]| {
        let mut args = vec![
            "--sandbox",
            "--scenario",
            scenario,
            "trace",
            "--provider",
            "twilio",
        ];
        args.extend_from_slice(extra);
        run(home.path(), &args)
    };
    // The latest message to this number was undelivered (30003), and one
    // send before it never reached Twilio.
    let r = trace("failure-logs", &["--to", "+14155550100"]);
    assert_eq!(r.code, 1, "{r:?}");
    for want in [
        "Auth0 asked for an MFA code by SMS",
        "code 30003: Unreachable destination handset",
        "said: Unreachable destination handset",
        "the code never reached the provider",
        "The latest message was not delivered.",
    ] {
        assert!(r.stdout.contains(want), "{want}: {}", r.stdout);
    }
    // Every recipient: the failures only, each with its number and code.
    let r = trace("failure-logs", &[]);
    assert_eq!(r.code, 1, "{r:?}");
    for want in ["+14155550123", "code 30007", "+14155550188", "code 21610"] {
        assert!(r.stdout.contains(want), "{want}: {}", r.stdout);
    }
    assert!(!r.stdout.contains("(delivered)"), "{}", r.stdout);
    // Delivered: exit 0.
    let r = trace("trial-account", &["--to", "+447911123456"]);
    assert_eq!(r.code, 0, "{r:?}");
    // The trial refusal happened before Twilio: Auth0's side says why.
    let r = trace("trial-account", &["--to", "+14155550100", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = json(&r);
    assert_eq!(v["findings"][0]["kind"], "failed-before-provider", "{v}");
    assert_eq!(v["timeline"][0]["code"], "21608", "{v}");
    // Cannot look: no provider settings outside the sandbox.
    let r = run(
        home.path(),
        &["trace", "--provider", "twilio", "--to", "+14155550100"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("Could not look"), "{r:?}");
    // A bad duration is a usage error.
    let r = run(home.path(), &["--sandbox", "trace", "--since", "soon"]);
    assert_eq!(r.code, 2, "{r:?}");

    // logs: the tenant's SMS events, oldest first, with the provider's text.
    let r = run(
        home.path(),
        &[
            "--sandbox",
            "--scenario",
            "trial-account",
            "logs",
            "--since",
            "2h",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{r:?}");
    assert!(lines[0].contains("gd_send_sms +447911123456"), "{r:?}");
    assert!(
        lines[1].contains("fn +14155550100") && lines[1].contains("[21608]"),
        "{r:?}"
    );
    // --follow is bounded by --for, polling within the rate limit.
    let t0 = std::time::Instant::now();
    let r = run(
        home.path(),
        &[
            "--sandbox",
            "--scenario",
            "trial-account",
            "logs",
            "--follow",
            "--every",
            "2",
            "--for",
            "3",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        t0.elapsed() >= std::time::Duration::from_secs(3),
        "it followed"
    );
    let v = json(&r);
    assert_eq!(
        v["events"].as_array().unwrap().len(),
        2,
        "each event once: {v}"
    );
}
