//! Fuzzing, with proptest, of everything that parses outside input:
//! provider response bodies, Auth0 response bodies, phone numbers, the
//! profile file, and key sequences fed to the state machine. Each test
//! counts its executions and prints them (`cargo test --test fuzz --
//! --nocapture`); PROPTEST_CASES raises every count at once.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;
use sms_mfa::checklist::Checklist;
use sms_mfa::config::{self, Paths, Profile};
use sms_mfa::providers::clients::{Client, Http, Recipient, Settings};
use sms_mfa::providers::{Catalog, validate};
use sms_mfa::secrets::MemoryStore;
use sms_mfa::settings::Value as SettingValue;
use sms_mfa::tui::{effects::keyring_answer, keys, view};
use sms_mfa::wizard::Wizard;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// `cases`, unless PROPTEST_CASES says more.
fn config(cases: u32) -> Config {
    let from_env = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Config {
        cases: cases.max(from_env),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Arbitrary JSON, nested a few levels, with the names the clients and
/// the inspection look for among the keys.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        3 => "[a-z_]{1,12}",
        2 => proptest::sample::select(vec![
            "sid", "status", "code", "message", "error_code", "error_message", "type",
            "friendly_name", "custom_code_enabled", "messages", "message-id", "error-text",
            "value", "balance", "currency", "requestError", "serviceException", "text",
            "messageId", "groupName", "name", "id", "batch", "messageheaders", "accounts",
            "reference", "incoming_phone_numbers", "outgoing_caller_ids", "capabilities",
            "phone_number", "enabled", "providers", "bindings", "action", "message_types",
            "provider", "phone_consolidated_experience", "details", "provider_error",
            "errorCode", "secrets", "code", "supported_triggers", "deployed_version",
        ]).prop_map(str::to_string),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
        proptest::sample::select(vec![
            "0",
            "1",
            "queued",
            "delivered",
            "sms",
            "custom",
            "Trial",
            "built",
            "-1"
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A response: a status and a body (JSON, or any text). Auth0's 429 is
/// left out there: the client waits it out (up to 30 s, tested in
/// tests/tenant.rs), which would only slow the fuzzing down.
fn answer(with_429: bool) -> impl Strategy<Value = (u16, String)> {
    let mut statuses = vec![200u16, 201, 202, 204, 400, 401, 403, 404, 500, 503];
    if with_429 {
        statuses.push(429);
    }
    let status = proptest::sample::select(statuses);
    let body = prop_oneof![
        4 => json().prop_map(|v| v.to_string()),
        1 => ".{0,200}",
        1 => json().prop_map(|v| { let s = v.to_string(); s.chars().take(s.chars().count() / 2).collect::<String>() }),
    ];
    (status, body)
}

/// A loopback server answering every request with what `slot` holds.
async fn server(slot: Arc<Mutex<(u16, String)>>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(move |_: &Request| {
            let (status, body) = slot.lock().unwrap().clone();
            ResponseTemplate::new(status)
                .insert_header("content-type", "application/json")
                .set_body_string(body)
        })
        .mount(&server)
        .await;
    server
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn provider_response_bodies() {
    let rt = runtime();
    let slot = Arc::new(Mutex::new((200, String::new())));
    let server = rt.block_on(server(slot.clone()));
    let runs = AtomicUsize::new(0);
    let catalog = Catalog::builtin();
    for id in ["twilio", "twilio-verify", "vonage", "infobip", "esendex"] {
        let p = catalog.get(id).unwrap();
        let mut settings = Settings::default();
        for (name, value) in sms_mfa::sandbox::providers::credentials(id) {
            settings.insert(name, SettingValue::Plain(value.into()));
        }
        let base = p.base_setting.as_deref().unwrap();
        settings.insert(base, SettingValue::Plain(server.uri()));
        let http = Http::with_timeouts(Duration::from_secs(2), Duration::from_secs(2));
        let client = Client::new(catalog, id, &settings, http).unwrap();
        let to = Recipient::parse("+14155550100").unwrap();
        let mut runner = TestRunner::new(config(300));
        runner
            .run(&answer(true), |a| {
                *slot.lock().unwrap() = a;
                rt.block_on(async {
                    // Any answer is a result or a classified failure; never a panic.
                    if let Err(f) = client.check_credentials().await {
                        prop_assert!(!f.message.is_empty());
                    }
                    if let Err(f) = client.send_test(&to, "Your code is 123456").await {
                        prop_assert!(!f.message.is_empty());
                    }
                    let _ = client.delivery_status("SM0123").await;
                    let _ = client.sender_owned().await;
                    let _ = client.destination_verified(&to).await;
                    Ok(())
                })?;
                runs.fetch_add(1, Ordering::Relaxed);
                Ok(())
            })
            .unwrap();
    }
    eprintln!("provider_response_bodies: {} executions", runs.into_inner());
}

#[test]
fn auth0_response_bodies() {
    use sms_mfa::auth0::{Connection, inspect, plan};
    let rt = runtime();
    let slot = Arc::new(Mutex::new((200, String::new())));
    let server = rt.block_on(server(slot.clone()));
    let conn = Connection::with_token(server.uri(), "tok".into());
    let twilio = Catalog::builtin().get("twilio");
    let runs = AtomicUsize::new(0);
    let mut runner = TestRunner::new(config(500));
    runner
        .run(&answer(false), |a| {
            *slot.lock().unwrap() = a;
            rt.block_on(async {
                let report = inspect::inspect(&conn, twilio).await;
                prop_assert_eq!(report.findings.len(), inspect::IDS.len());
                let _ = plan::observe(&conn, "sms-mfa-twilio").await;
                Ok(())
            })?;
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    // Log entries of any shape are described without a panic.
    let mut runner = TestRunner::new(config(2000));
    runner
        .run(&json(), |v| {
            let _ = inspect::describe_log(&v);
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    eprintln!("auth0_response_bodies: {} executions", runs.into_inner());
}

#[test]
fn phone_numbers() {
    let runs = AtomicUsize::new(0);
    let number = prop_oneof![".{0,30}", "[+]?[0-9 ()-]{0,22}", "[+][1-9][0-9]{5,15}",];
    let mut runner = TestRunner::new(config(20_000));
    runner
        .run(&number, |text| {
            if let Ok(n) = validate::e164(&text) {
                prop_assert!(n.starts_with('+'));
                prop_assert!(n[1..].bytes().all(|b| b.is_ascii_digit()), "{}", n);
                prop_assert_eq!(
                    validate::e164(&n),
                    Ok(n.clone()),
                    "canonical form is stable"
                );
                let r = Recipient::parse(&n).unwrap();
                prop_assert_eq!(r.digits(), &n[1..]);
            } else {
                prop_assert!(Recipient::parse(&text).is_err());
            }
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    eprintln!("phone_numbers: {} executions", runs.into_inner());
}

#[test]
fn profile_files() {
    let runs = AtomicUsize::new(0);
    let valid = "provider = \"twilio\"\nstep = \"tenant\"\ntest_recipient = \"+14155550100\"\n\n[settings.twilio]\nTWILIO_ACCOUNT_SID = \"AC0123456789abcdef0123456789abcdef\"\n";
    let text = prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..300),
        2 => (0..valid.len(), 0..valid.len(), ".{0,12}").prop_map(move |(a, b, s)| {
            let (a, b) = (a.min(b), a.max(b));
            let mut t = valid[..a].to_string();
            t.push_str(&s);
            t.push_str(&valid[b..]);
            t.into_bytes()
        }),
        1 => Just(valid.as_bytes().to_vec()),
    ];
    let mut runner = TestRunner::new(config(1500));
    runner
        .run(&text, |bytes| {
            let dir = tempfile::tempdir().unwrap();
            let paths = Paths {
                config_dir: dir.path().join("c"),
                data_dir: dir.path().join("d"),
            };
            let file = paths.profile_file("default");
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &bytes).unwrap();
            let loaded = config::load(&paths, "default");
            match loaded.notice {
                None => {
                    // Read as a profile: saving and loading it again agrees.
                    config::save(&paths, "default", &loaded.profile).unwrap();
                    let again = config::load(&paths, "default");
                    prop_assert_eq!(again.notice, None);
                    prop_assert_eq!(again.profile, loaded.profile);
                }
                Some(_) => {
                    // Unreadable: moved aside whole, never lost.
                    let bak = file.with_extension("toml.bak");
                    prop_assert_eq!(std::fs::read(&bak).unwrap(), bytes);
                    prop_assert!(!file.exists());
                }
            }
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    eprintln!("profile_files: {} executions", runs.into_inner());
}

fn key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        6 => any::<char>().prop_map(KeyCode::Char),
        6 => proptest::sample::select(vec!['a', 'c', 'e', 'f', 'j', 'k', 'n', 'q', 'r', 't', 'w', 'y', '?', '+', '1'])
            .prop_map(KeyCode::Char),
        4 => proptest::sample::select(vec![
            KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab, KeyCode::Up,
            KeyCode::Down, KeyCode::Left, KeyCode::Right, KeyCode::Home, KeyCode::End,
            KeyCode::PageUp, KeyCode::PageDown, KeyCode::Backspace, KeyCode::Delete,
            KeyCode::F(1),
        ]),
    ];
    let modifiers = proptest::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::SHIFT,
    ]);
    let kind = proptest::sample::select(vec![
        KeyEventKind::Press,
        KeyEventKind::Press,
        KeyEventKind::Repeat,
        KeyEventKind::Release,
    ]);
    (code, modifiers, kind).prop_map(|(code, modifiers, kind)| KeyEvent {
        code,
        modifiers,
        kind,
        state: KeyEventState::NONE,
    })
}

#[test]
fn key_sequences() {
    let runs = AtomicUsize::new(0);
    let keys_seen = AtomicUsize::new(0);
    let mut runner = TestRunner::new(config(1500));
    runner
        .run(
            &(
                proptest::collection::vec(key(), 0..80),
                60u16..140,
                16u16..50,
            ),
            |(sequence, cols, rows)| {
                let store = MemoryStore::new();
                let mut w = Wizard::new(
                    Catalog::builtin(),
                    Checklist::builtin(),
                    "default",
                    Profile::default(),
                    None,
                );
                let mut pending = w.start();
                for k in sequence {
                    // The keyring answers at once; other work never does.
                    while let Some(e) = pending.pop() {
                        if let Some(m) = keyring_answer(&e, Catalog::builtin(), &store, &|_| None) {
                            pending.extend(w.update(m));
                        }
                    }
                    if let Some(m) = keys::map(&w, k) {
                        pending.extend(w.update(m));
                    }
                    keys_seen.fetch_add(1, Ordering::Relaxed);
                    if w.quitting {
                        break;
                    }
                }
                prop_assert!(w.checklist_cursor < w.checklist.items.len());
                let mut t = Terminal::new(TestBackend::new(cols, rows)).unwrap();
                t.draw(|f| view::draw(f, &w)).unwrap();
                runs.fetch_add(1, Ordering::Relaxed);
                Ok(())
            },
        )
        .unwrap();
    eprintln!(
        "key_sequences: {} executions, {} keys",
        runs.into_inner(),
        keys_seen.into_inner()
    );
}

/// A base-URL value as someone might type or paste it: any text, or a URL
/// put together from parts with the characters that break code or URLs
/// (CR, quotes, backticks, `${`, U+2028, credentials, fragments).
fn base_url_value() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "https://", "http://", "HTTPS://", "ftp://", "", "https:",
    ]);
    let userinfo = prop::sample::select(vec!["", "", "", "user:pw@", ":pw@", "user@"]);
    let host = prop_oneof![
        prop::sample::select(vec![
            "api.twilio.com",
            "API.Twilio.COM",
            "127.0.0.1",
            "[::1]",
            "localhost",
            "10.0.0.5",
            "bücher.example",
            "xn--bcher-kva.example",
            "a\"b.example",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z0-9.-]{1,20}",
    ];
    let port = prop::sample::select(vec!["", "", ":443", ":8080", ":0", ":99999", ":x"]);
    let tail = prop::sample::select(vec![
        "",
        "",
        "/",
        "//",
        "\r",
        "\n",
        "\t",
        " ",
        "\"",
        "'",
        "`",
        "${process.exit()}",
        "\\",
        "\u{2028}",
        "\u{2029}",
        "\u{202e}",
        "\u{1b}[2J",
        "</script>",
        "#f",
        "#",
        "?q=1",
        "/p",
        "%22",
        "@evil.example",
        "\u{0}",
    ]);
    prop_oneof![
        1 => ".{0,40}",
        4 => (scheme, userinfo, host, port, tail)
            .prop_map(|(s, u, h, p, t)| format!("{s}{u}{h}{p}{t}")),
    ]
}

/// Every base-URL value the settings accept renders into code, and every
/// code `render` produces, for every provider whose base URL is written
/// into the code and both targets, is JavaScript that `node --check`
/// accepts.
#[test]
fn settings_that_reach_generated_code() {
    use sms_mfa::codegen::{self, Target};
    use std::collections::BTreeSet;
    let catalog = Catalog::builtin();
    let providers: Vec<_> = catalog
        .providers
        .iter()
        .filter(|p| p.base_setting.is_some() && !p.base_url.is_empty())
        .collect();
    assert_eq!(providers.len(), 4, "twilio, twilio-verify, vonage, esendex");
    let runs = AtomicUsize::new(0);
    let accepted = AtomicUsize::new(0);
    let codes: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut runner = TestRunner::new(config(2000));
    runner
        .run(&base_url_value(), |value| {
            for p in &providers {
                let setting = p.setting(p.base_setting.as_deref().unwrap()).unwrap();
                let valid = !validate::validate(setting, &value).is_error();
                for target in Target::ALL {
                    let rendered = codegen::render(p, target, Some(&value));
                    if valid {
                        prop_assert!(
                            rendered.is_ok(),
                            "{:?} accepted but not rendered: {:?}",
                            value,
                            rendered
                        );
                    }
                    if let Ok(code) = rendered {
                        prop_assert!(
                            !code
                                .chars()
                                .any(|c| c.is_control() && c != '\n' && c != '\t'),
                            "no control character in the code for {:?}",
                            value
                        );
                        accepted.fetch_add(1, Ordering::Relaxed);
                        codes.lock().unwrap().insert(code);
                    }
                }
            }
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    let codes = codes.into_inner().unwrap();
    // One file, each code in the wrapper node compiles a CommonJS module
    // in, so one `node --check` checks them all; on failure each alone.
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.js");
    let wrap = |c: &str| {
        format!("(function (exports, require, module, __filename, __dirname) {{\n{c}\n}});\n")
    };
    std::fs::write(&all, codes.iter().map(|c| wrap(c)).collect::<String>()).unwrap();
    let check = |file: &std::path::Path| {
        std::process::Command::new("node")
            .arg("--check")
            .arg(file)
            .output()
            .expect("node is installed (.ci/run installs nodejs)")
    };
    if !check(&all).status.success() {
        for (i, c) in codes.iter().enumerate() {
            let f = dir.path().join(format!("{i}.js"));
            std::fs::write(&f, c).unwrap();
            let out = check(&f);
            assert!(
                out.status.success(),
                "node --check refused:\n{}\n{c}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    eprintln!(
        "settings_that_reach_generated_code: {} executions, {} renders, {} distinct codes checked by node",
        runs.into_inner(),
        accepted.into_inner(),
        codes.len()
    );
    assert!(
        codes.len() > 20,
        "enough distinct accepted values to mean something"
    );
}
