//! Every screen drawn into a `TestBackend` at 80x24 and 120x40, compared
//! with the reviewed snapshots in tests/snapshots/.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sms_mfa::checklist::Checklist;
use sms_mfa::config::Profile;
use sms_mfa::doctor;
use sms_mfa::providers::Catalog;
use sms_mfa::secrets::MemoryStore;
use sms_mfa::tui::effects::keyring_answer;
use sms_mfa::tui::view;
use sms_mfa::wizard::{Effect, InputRequest, Msg, Step, Wizard};

thread_local! {
    static KEYRING: MemoryStore = MemoryStore::new();
}

/// Update, and answer keyring effects at once as a healthy keyring would.
fn update(w: &mut Wizard, msg: Msg) {
    let effects: Vec<Effect> = w.update(msg);
    for e in effects {
        if let Some(reply) = KEYRING.with(|k| keyring_answer(&e, Catalog::builtin(), k, &|_| None))
        {
            update(w, reply);
        }
    }
}

fn fresh() -> Wizard {
    Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        "default",
        Profile::default(),
        None,
    )
}

fn feed(w: &mut Wizard, msgs: &[Msg]) {
    for m in msgs {
        update(w, m.clone());
    }
}

fn typed(w: &mut Wizard, text: &str) {
    for c in text.chars() {
        update(w, Msg::Edit(InputRequest::InsertChar(c)));
    }
}

fn secrets(provider: usize) -> Wizard {
    let mut w = fresh();
    feed(&mut w, &vec![Msg::Down; provider]);
    feed(&mut w, &[Msg::Enter]);
    w
}

fn filled_twilio() -> Wizard {
    let mut w = secrets(0);
    typed(&mut w, "AC0123456789abcdef0123456789abcdef");
    update(&mut w, Msg::NextField);
    typed(&mut w, "fedcba98765432100123456789abcdef");
    update(&mut w, Msg::NextField);
    typed(&mut w, "+14155550100");
    w
}

fn test_step() -> Wizard {
    let mut w = filled_twilio();
    update(&mut w, Msg::Next);
    assert_eq!(w.step, Step::TestMessage);
    w
}

fn tenant_step() -> Wizard {
    let mut w = test_step();
    typed(&mut w, "+447911123456");
    update(&mut w, Msg::Next);
    assert_eq!(w.step, Step::Tenant);
    if w.tenant.connect.is_some() {
        // Esc: an existing application's client id and secret instead.
        update(&mut w, Msg::Back);
        assert!(w.tenant.connect.is_none());
    }
    w
}

/// Step 4 with no connection at all: the pasted-token form first.
fn token_form() -> Wizard {
    use sms_mfa::secrets::SecretStore;
    // The states before stored a connection in this thread's keyring.
    KEYRING.with(|k| k.delete("default/auth0/AUTH0_CLIENT_SECRET").unwrap());
    let mut w = test_step();
    typed(&mut w, "+447911123456");
    update(&mut w, Msg::Next);
    assert_eq!(w.step, Step::Tenant);
    assert!(w.tenant.connect.is_some());
    w
}

fn seen(id: &'static str, status: doctor::Status, evidence: &str) -> doctor::Found {
    doctor::Found {
        id,
        status,
        evidence: evidence.into(),
        fix: None,
    }
}

/// The checks of a broken classic tenant: mixed results.
fn mixed() -> Vec<doctor::Found> {
    use doctor::Status::*;
    vec![
        seen(
            "settings-complete",
            Pass,
            "Stored: TWILIO_ACCOUNT_SID (keyring), TWILIO_AUTH_TOKEN (keyring), TWILIO_PHONE_NUMBER (profile).",
        ),
        seen(
            "credentials-valid",
            Pass,
            "The provider accepted them: Trial account 'Acme', active.",
        ),
        seen(
            "trial-destination",
            Fail,
            "Trial account, and +14155550100 is not a verified caller id: Twilio refuses to send to it (error 21608).",
        ),
        seen(
            "verify-custom-codes",
            Skipped,
            "Only Twilio Verify makes its own codes; Twilio Programmable SMS sends Auth0's text as it is.",
        ),
        seen(
            "sender-owned",
            Pass,
            "+15005550006 is one of the account's numbers and can send SMS.",
        ),
        seen(
            "recipient-e164",
            Pass,
            "The test recipient +14155550100 is valid E.164.",
        ),
        seen(
            "provider-logs",
            Skipped,
            "Look by hand: no provider API for its message logs is used here.",
        ),
        seen(
            "tenant-connection",
            Warning,
            "https://acme.eu.auth0.com: Classic phone settings. The token lacks read:logs: the checks that need them are skipped.",
        ),
        seen(
            "sms-enabled",
            Pass,
            "The Phone Message (sms) factor is enabled.",
        ),
        seen(
            "provider-custom",
            Fail,
            "The SMS delivery provider is \"twilio\": Auth0 never calls your code.",
        ),
        seen(
            "message-types",
            Pass,
            "SMS is among the phone message types.",
        ),
        seen(
            "mfa-policy",
            Fail,
            "The MFA policy is empty: nobody is asked for a second factor unless an Action requires it.",
        ),
        seen("one-live-code", Pass, "Live: hook 'send-sms'."),
        seen(
            "secret-names",
            Fail,
            "the code reads API_KEY but no such secret is configured (it gets undefined); configured but never read: INFOBIP_API_KEY.",
        ),
        seen(
            "hooks-end-of-life",
            Fail,
            "The send-phone-message hook 'send-sms' is still enabled. Hooks reached end of life on 2026-11-18.",
        ),
        seen(
            "failure-logs",
            Error,
            "Skipped: the token lacks the read:logs scope.",
        ),
    ]
}

fn sandbox_states() -> Vec<(&'static str, Wizard)> {
    use sms_mfa::sandbox::providers::Delivered;
    use sms_mfa::wizard::SandboxState;
    let sandbox = |inbox: Vec<Delivered>, memory: bool| {
        SandboxState {
        scenario: "new-tenant".into(),
        memory_only: memory.then(|| {
            "No OS keyring (unavailable): sandbox secrets are kept in memory and gone when you quit."
                .to_string()
        }),
        inbox,
        domain: sms_mfa::sandbox::DOMAIN.into(),
        token: sms_mfa::sandbox::auth0::explorer_token_all(),
        accounts: sms_mfa::sandbox::accounts(),
    }
    };
    let mut v = Vec::new();
    let mut w = secrets(0);
    w.sandbox = Some(sandbox(vec![], true));
    v.push(("sandbox_secrets", w));
    let mut w = test_step();
    w.sandbox = Some(sandbox(vec![], false));
    update(
        &mut w,
        Msg::SandboxDelivered(Delivered {
            provider: "twilio",
            id: "SM00000000000000000000000000000001".into(),
            to: "+14155550100".into(),
            from: "+15005550006".into(),
            text: "Your verification code is 123456".into(),
        }),
    );
    v.push(("sandbox_test_inbox", w));
    v
}

fn checklist_states() -> Vec<(&'static str, Wizard)> {
    let mut v = Vec::new();
    // Partly answered, the tenant's group slow.
    let mut w = checklist_step();
    let op = w.doctor.running.unwrap();
    let partial: Vec<_> = mixed().into_iter().take(7).collect();
    update(
        &mut w,
        Msg::DoctorEvent {
            op,
            event: doctor::Event::Done(partial),
        },
    );
    update(
        &mut w,
        Msg::DoctorEvent {
            op,
            event: doctor::Event::Slow {
                ids: doctor::tenant_ids(),
                after: doctor::SLOW_AFTER,
            },
        },
    );
    for _ in 0..123 {
        update(&mut w, Msg::Tick);
    }
    w.checklist_cursor = w.checklist.index_of("sms-enabled").unwrap();
    v.push(("checklist_running_slow", w));
    // Every answer in: mixed results, a tenant failure selected.
    let mut w = checklist_step();
    let op = w.doctor.running.unwrap();
    update(&mut w, Msg::DoctorDone { op, found: mixed() });
    w.checklist_cursor = w.checklist.index_of("hooks-end-of-life").unwrap();
    v.push(("checklist_mixed_results", w));
    let mut w = checklist_step();
    let op = w.doctor.running.unwrap();
    update(&mut w, Msg::DoctorDone { op, found: mixed() });
    w.checklist_cursor = w.checklist.index_of("mfa-policy").unwrap();
    v.push(("checklist_no_automatic_fix", w));
    v
}

fn checklist_step() -> Wizard {
    let mut w = tenant_step();
    update(&mut w, Msg::Next);
    assert_eq!(
        w.step,
        Step::Checklist,
        "Ctrl-N skips an unused tenant step"
    );
    w
}

fn states() -> Vec<(&'static str, Wizard)> {
    let mut v = vec![("provider", fresh())];
    let mut w = fresh();
    feed(&mut w, &[Msg::Down, Msg::Down]);
    v.push(("provider_cursor_on_vonage", w));
    v.push(("secrets_twilio_empty", secrets(0)));
    let mut w = secrets(1);
    typed(&mut w, "AC0123456789abcdef0123456789abcdef");
    update(&mut w, Msg::NextField);
    typed(&mut w, "fedcba9876543210");
    update(&mut w, Msg::NextField);
    typed(&mut w, "AC0123456789abcdef0123456789abcdef");
    v.push(("secrets_verify_validation_errors", w));
    let mut w = secrets(3);
    update(&mut w, Msg::Next);
    v.push(("secrets_infobip_refused_next", w));
    let mut w = filled_twilio();
    feed(&mut w, &[Msg::PrevField, Msg::ToggleReveal]);
    v.push(("secrets_twilio_revealed", w));
    let mut w = filled_twilio();
    feed(&mut w, &[Msg::PrevField]);
    v.push(("secrets_twilio_masked", w));
    v.push(("test_message_empty", test_step()));
    let mut w = test_step();
    typed(&mut w, "+1 415 555");
    v.push(("test_message_invalid_recipient", w));
    let mut w = test_step();
    typed(&mut w, "+447911123456");
    feed(&mut w, &[Msg::Enter, Msg::Enter]);
    v.push(("test_message_sending", w));
    v.extend(send_states());
    v.push(("tenant", tenant_step()));
    v.extend(tenant_states());
    v.extend(sandbox_states());
    v.push(("checklist", checklist_step()));
    v.extend(checklist_states());
    let mut w = secrets(2);
    update(&mut w, Msg::OpenChecklist);
    v.push(("checklist_detour_from_secrets", w));
    let mut w = checklist_step();
    update(&mut w, Msg::Next);
    v.push(("done", w));
    let mut w = fresh();
    update(&mut w, Msg::Help);
    v.push(("help_provider", w));
    let mut w = test_step();
    update(&mut w, Msg::Help);
    v.push(("help_test_message", w));
    let mut w = secrets(4);
    typed(&mut w, "EX");
    update(&mut w, Msg::Quit);
    v.push(("confirm_quit", w));
    let w = Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        "acme",
        Profile::default(),
        Some("The saved progress in /home/u/.config/sms-mfa/profiles/acme.toml could not be read as a profile (expected `=`). It was moved to /home/u/.config/sms-mfa/profiles/acme.toml.bak and the wizard starts fresh.".into()),
    );
    v.push(("provider_corrupt_profile_notice", w));
    v.extend(keyring_states());
    v.extend(issue18_states());
    v
}

/// The states issue 18 found cut or untrue at 80x24.
fn issue18_states() -> Vec<(&'static str, Wizard)> {
    use sms_mfa::providers::outcome::{ErrorClass, Failure};
    use sms_mfa::secrets::StoreError;
    use sms_mfa::wizard::CallError;
    let mut v = Vec::new();
    // No Secret Service at all: advice that works from here.
    let mut w = secrets(0);
    let op = w.last_op + 1;
    w.update(Msg::Reload);
    w.update(Msg::SettingsLoaded {
        op,
        settings: Vec::new(),
        error: Some(StoreError::Unavailable {
            detail: "no D-Bus session bus".into(),
        }),
    });
    v.push(("secrets_keyring_unavailable", w));
    // A number in a range the metadata does not know.
    let mut w = test_step();
    typed(&mut w, "+447700900123");
    v.push(("test_message_unknown_range", w));
    let failed = |failure: Failure| {
        let mut w = test_step();
        typed(&mut w, "+447911123456");
        let effects = [w.update(Msg::Enter), w.update(Msg::Enter)].concat();
        let op = effects
            .iter()
            .find_map(|e| match e {
                Effect::SendTest { op, .. } => Some(*op),
                _ => None,
            })
            .unwrap();
        w.update(Msg::TestSent {
            op,
            result: Err(CallError::Failed(failure)),
        });
        w
    };
    v.push((
        "test_message_local_timeout",
        failed(Failure::network(
            "no answer from 127.0.0.1:43121 within 20 s",
        )),
    ));
    v.push((
        "test_message_verify_service_not_found",
        failed(Failure {
            class: ErrorClass::NotFound,
            code: Some("20404".into()),
            message: "The requested resource /Services/VA0123456789abcdef0123456789abcdef was not found".into(),
            meaning: Some("Verify service not found: the service SID (VA...) does not exist for this account. The Account SID (AC...) is not a service SID.".into()),
            http_status: Some(404),
        }),
    ));
    // The help, scrolled to its end.
    let mut w = secrets(0);
    update(&mut w, Msg::Help);
    let _ = render(&w, 80, 24); // (a frame finds how far it scrolls)
    update(&mut w, Msg::Scroll(100_000));
    v.push(("help_secrets_scrolled_to_end", w));
    // The checklist opened from step 1: no step claims to be done.
    let mut w = fresh();
    update(&mut w, Msg::OpenChecklist);
    let op = w.doctor.running.unwrap();
    update(&mut w, Msg::DoctorDone { op, found: mixed() });
    v.push(("checklist_from_step_1", w));
    // Done after a failed test that was skipped.
    let mut w = test_step();
    typed(&mut w, "+447911123456");
    let effects = [w.update(Msg::Enter), w.update(Msg::Enter)].concat();
    let op = effects
        .iter()
        .find_map(|e| match e {
            Effect::SendTest { op, .. } => Some(*op),
            _ => None,
        })
        .unwrap();
    w.update(Msg::TestSent {
        op,
        result: Err(CallError::Failed(Failure {
            class: ErrorClass::TrialUnverified,
            code: Some("21608".into()),
            message: "unverified".into(),
            meaning: None,
            http_status: Some(400),
        })),
    });
    update(&mut w, Msg::Next);
    update(&mut w, Msg::Next);
    let op = w.doctor.running.unwrap();
    update(&mut w, Msg::DoctorDone { op, found: mixed() });
    update(&mut w, Msg::Next);
    v.push(("done_after_a_skipped_failed_test", w));
    v
}

/// The tenant step, connected: checked, rate-limited, a plan, applied.
fn tenant_states() -> Vec<(&'static str, Wizard)> {
    use sms_mfa::auth0::apply::Outcome;
    use sms_mfa::auth0::inspect::{Finding, Generation, Status};
    use sms_mfa::auth0::plan::{Change, Plan};
    use sms_mfa::wizard::{ApplyView, PlanView, TenantAnswer, TenantKey, TenantReport};
    let connected = || {
        let mut w = tenant_step();
        typed(&mut w, "acme.eu.auth0.com");
        update(&mut w, Msg::NextField);
        typed(&mut w, "AbCdEfGhIjKlMnOpQrStUvWxYz012345");
        update(&mut w, Msg::NextField);
        typed(&mut w, "s3cr3t-client-secret-value-0123456789abcdefABCDEF");
        update(&mut w, Msg::Enter);
        w
    };
    let op = |w: &Wizard| w.busy.as_ref().unwrap().op;
    let f = |id: &'static str, title: &'static str, status, detail: &str| Finding {
        id,
        title,
        status,
        detail: detail.into(),
    };
    let report = TenantReport {
        base: "https://acme.eu.auth0.com".into(),
        generation: Some(Generation::UnifiedPhone),
        findings: vec![
            f(
                "generation",
                "Tenant generation",
                Status::Pass,
                "Unified Phone Experience.",
            ),
            f(
                "sms-enabled",
                "SMS factor enabled",
                Status::Fail,
                "The Phone Message (sms) factor is disabled: nobody can enroll or receive a code.",
            ),
            f(
                "provider-custom",
                "Delivery provider is Custom",
                Status::Fail,
                "No phone provider is configured.",
            ),
            f(
                "mfa-policy",
                "An MFA policy asks for the factor",
                Status::Pass,
                "MFA policy: [\"all-applications\"].",
            ),
            f(
                "one-live-code",
                "Exactly one live sending code",
                Status::Fail,
                "No code is bound to the custom-phone-provider trigger.",
            ),
            f(
                "secret-names",
                "Secret names match the code",
                Status::Skipped,
                "Skipped: needs exactly one live piece of code.",
            ),
            f(
                "failure-logs",
                "No recent delivery failures",
                Status::Skipped,
                "Skipped: the token lacks the read:logs scope.",
            ),
        ],
        missing_scopes: vec!["read:logs".into()],
    };
    let mut v = Vec::new();
    let mut w = connected();
    update(&mut w, Msg::Tick);
    let o = op(&w);
    update(
        &mut w,
        Msg::RateLimited {
            op: o,
            secs: 7,
            path: "/guardian/factors".into(),
        },
    );
    v.push(("tenant_rate_limited", w));
    let mut w = connected();
    let o = op(&w);
    update(
        &mut w,
        Msg::TenantDone {
            op: o,
            result: Ok(TenantAnswer::Checked(report.clone())),
        },
    );
    update(&mut w, Msg::Down);
    v.push(("tenant_report", w));
    let changes = vec![
        Change::CreateAction,
        Change::Deploy,
        Change::CreatePhoneProvider,
        Change::EnableFactor,
        Change::MessageTypes {
            to: vec!["sms".into()],
        },
    ];
    let plan = Plan {
        action: "sms-mfa-twilio".into(),
        trigger: "custom-phone-provider",
        adopted: None,
        provider_name: "Twilio Programmable SMS".into(),
        changes,
        notes: vec![],
    };
    let planned = || {
        let mut w = connected();
        let o = op(&w);
        update(
            &mut w,
            Msg::TenantDone {
                op: o,
                result: Ok(TenantAnswer::Checked(report.clone())),
            },
        );
        update(&mut w, Msg::Tenant(TenantKey::Plan));
        let o = op(&w);
        update(
            &mut w,
            Msg::TenantDone {
                op: o,
                result: Ok(TenantAnswer::Planned(PlanView {
                    base: "https://acme.eu.auth0.com".into(),
                    generation: Generation::UnifiedPhone,
                    lines: plan.changes.iter().map(|c| plan.describe(c)).collect(),
                    plan: plan.clone(),
                    missing_scopes: vec![],
                    changed: false,
                })),
            },
        );
        w
    };
    v.push(("tenant_plan", planned()));
    let mut w = planned();
    update(&mut w, Msg::Tenant(TenantKey::Apply));
    let o = op(&w);
    update(
        &mut w,
        Msg::TenantDone {
            op: o,
            result: Ok(TenantAnswer::Applied(ApplyView {
                outcome: Outcome {
                    applied: plan.changes[..2].iter().map(|c| plan.describe(c)).collect(),
                    failed: Some((
                        plan.describe(&plan.changes[2]),
                        "HTTP 409 Conflict: A phone provider already exists.".into(),
                    )),
                    not_applied: plan.changes[3..].iter().map(|c| plan.describe(c)).collect(),
                    interrupted: false,
                    record: None,
                    record_error: None,
                },
                backup: "/home/u/.local/share/sms-mfa/backups/acme.eu.auth0.com-20261123T101500Z"
                    .into(),
                record_error: None,
            })),
        },
    );
    let o = op(&w);
    update(
        &mut w,
        Msg::TenantDone {
            op: o,
            result: Ok(TenantAnswer::Checked(report)),
        },
    );
    v.push(("tenant_partly_applied", w));
    v
}

/// The test-message step after the provider answered.
fn send_states() -> Vec<(&'static str, Wizard)> {
    use sms_mfa::providers::outcome::{Accepted, CredentialReport, Delivery, ErrorClass, Failure};
    use sms_mfa::wizard::CallError;
    let sent = || {
        let mut w = test_step();
        typed(&mut w, "+447911123456");
        let effects = w.update(Msg::Enter);
        let effects = [effects, w.update(Msg::Enter)].concat();
        let op = effects.iter().find_map(|e| match e {
            Effect::SendTest { op, .. } => Some(*op),
            _ => None,
        });
        let check = w.checking_credentials.unwrap();
        w.update(Msg::CredentialsChecked {
            op: check,
            result: Ok(CredentialReport {
                summary: "Trial account 'Acme', active".into(),
                warnings: vec!["Trial account: it only reaches verified numbers.".into()],
                usable: true,
                trial: Some(true),
                custom_codes: None,
            }),
        });
        (w, op.unwrap())
    };
    let mut v = Vec::new();
    let (mut w, op) = sent();
    let effects = w.update(Msg::TestSent {
        op,
        result: Ok(Accepted {
            id: "SM0123456789abcdef0123456789abcdef".into(),
            status: Some("queued".into()),
            trackable: true,
            code_sent: None,
        }),
    });
    if let Some(Effect::PollDelivery { op, .. }) = effects.first() {
        w.update(Msg::DeliveryStatus {
            op: *op,
            result: Ok(Delivery {
                status: "undelivered".into(),
                final_: true,
                delivered: false,
                error_code: Some("30003".into()),
                error_message: Some("Unreachable destination handset".into()),
            }),
        });
    }
    v.push(("test_message_accepted_then_undelivered", w));
    let (mut w, op) = sent();
    w.update(Msg::TestSent {
        op,
        result: Err(CallError::Failed(Failure {
            class: ErrorClass::TrialUnverified,
            code: Some("21608".into()),
            message: "The number +447911123456 is unverified. Trial accounts cannot send messages to unverified numbers.".into(),
            meaning: Some("Trial account: the recipient is not a verified number. Verify it in the console, or upgrade.".into()),
            http_status: Some(400),
        })),
    });
    v.push(("test_message_failed_trial", w));
    let (mut w, op) = sent();
    w.update(Msg::TestSent {
        op,
        result: Ok(Accepted {
            id: "SMx".into(),
            status: Some("queued".into()),
            trackable: false,
            code_sent: None,
        }),
    });
    w.update(Msg::OpenCode);
    w.update(Msg::Scroll(40));
    v.push(("code_view_twilio", w));
    // Back on step 2, the credential check is shown beside the provider.
    let (mut w, _) = sent();
    update(&mut w, Msg::Back); // cancels the send
    update(&mut w, Msg::Back); // to step 2 (the keyring answers at once)
    v.push(("secrets_after_credential_check", w));
    v
}

/// The secrets step as the keyring answers: stored, checking, storing,
/// locked, overridden by the environment.
fn keyring_states() -> Vec<(&'static str, Wizard)> {
    use sms_mfa::secrets::{SecretStore, StoreError};
    let mut v = Vec::new();
    // Profile "acme" has its Twilio auth token in the keyring.
    KEYRING.with(|k| {
        k.set(
            "acme/twilio/TWILIO_AUTH_TOKEN",
            &"fedcba98765432100123456789abcdef".to_string().into(),
        )
        .unwrap()
    });
    let mut profile = Profile {
        provider: Some("twilio".into()),
        step: Step::Secrets,
        ..Profile::default()
    };
    profile.settings.entry("twilio".into()).or_default().insert(
        "TWILIO_ACCOUNT_SID".into(),
        "AC0123456789abcdef0123456789abcdef".into(),
    );
    let mut w = Wizard::new(
        Catalog::builtin(),
        Checklist::builtin(),
        "acme",
        profile,
        None,
    );
    for e in w.start() {
        let reply = KEYRING.with(|k| keyring_answer(&e, Catalog::builtin(), k, &|_| None));
        update(&mut w, reply.unwrap());
    }
    update(&mut w, Msg::Down);
    v.push(("secrets_twilio_stored_in_keyring", w));

    let mut w = secrets(0);
    w.update(Msg::Reload); // not answered yet
    for _ in 0..3 {
        w.update(Msg::Tick);
    }
    v.push(("secrets_checking_keyring", w));

    let mut w = filled_twilio();
    w.update(Msg::Next); // not answered yet
    w.update(Msg::Tick);
    v.push(("secrets_storing", w));

    let mut w = secrets(0);
    let op = w.last_op + 1;
    w.update(Msg::Reload);
    w.update(Msg::SettingsLoaded {
        op,
        settings: Vec::new(),
        error: Some(StoreError::Locked {
            detail: "the default keyring collection is locked".into(),
        }),
    });
    v.push(("secrets_keyring_locked", w));

    let mut w = secrets(1);
    let effects = w.update(Msg::Reload);
    let env = |name: &str| {
        (name == "SMS_MFA_TWILIO_AUTH_TOKEN")
            .then(|| "fedcba98765432100123456789abcdef".to_string())
    };
    let reply = KEYRING.with(|k| keyring_answer(&effects[0], Catalog::builtin(), k, &env));
    update(&mut w, reply.unwrap());
    v.push(("secrets_verify_env_override", w));
    v.extend(picker_states());
    // Issue 20: step 4 with no connection opens on the pasted-token form.
    v.push(("tenant_token_first", token_form()));
    v
}

/// Issue 20: step 2's list, opened by itself once the credentials are
/// typed: loading (the spinner some frames on), listed, and refused.
fn picker_states() -> Vec<(&'static str, Wizard)> {
    use sms_mfa::providers::clients::{Choice, Senders};
    let opened = || {
        let mut w = secrets(0);
        typed(&mut w, "AC0123456789abcdef0123456789abcdef");
        update(&mut w, Msg::NextField);
        typed(&mut w, "fedcba98765432100123456789abcdef");
        update(&mut w, Msg::NextField);
        assert!(w.picker.is_some(), "opened by itself");
        w
    };
    let mut v = Vec::new();
    let mut w = opened();
    feed(&mut w, &[Msg::Tick, Msg::Tick, Msg::Tick]);
    v.push(("secrets_picker_loading", w));
    let mut w = opened();
    let op = w.picker.as_ref().unwrap().op;
    let choice = |value: &str, label: &str, note: Option<&str>| Choice {
        setting: "TWILIO_PHONE_NUMBER".into(),
        value: value.into(),
        label: label.into(),
        usable: note.is_none(),
        note: note.map(str::to_string),
    };
    update(
        &mut w,
        Msg::SendersListed {
            op,
            result: Ok(Senders {
                provider: "twilio".into(),
                choices: vec![
                    choice("+15005550006", "Main SMS number", None),
                    choice("+15005550007", "Voice line", Some("not SMS-capable")),
                    choice("+15005550008", "Second SMS number", None),
                ],
                notes: vec![],
            }),
        },
    );
    v.push(("secrets_picker_listed", w));
    let mut w = opened();
    let op = w.picker.as_ref().unwrap().op;
    update(
        &mut w,
        Msg::SendersListed {
            op,
            result: Err("Authentication failed: Authenticate (Check the Account SID and auth token in the Twilio Console.)".into()),
        },
    );
    v.push(("secrets_picker_error", w));
    v
}

fn render(w: &Wizard, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| view::draw(f, w)).unwrap();
    t
}

#[test]
fn every_screen_at_80x24() {
    for (name, w) in states() {
        insta::assert_snapshot!(format!("{name}_80x24"), render(&w, 80, 24).backend());
    }
}

#[test]
fn every_screen_at_120x40() {
    for (name, w) in states() {
        insta::assert_snapshot!(format!("{name}_120x40"), render(&w, 120, 40).backend());
    }
}

#[test]
fn too_small_asks_to_enlarge() {
    insta::assert_snapshot!("too_small_40x10", render(&fresh(), 40, 10).backend());
}

#[test]
fn secret_values_are_never_drawn_unless_revealed() {
    let secret = "fedcba98765432100123456789abcdef";
    for (name, w) in states() {
        // The sandbox's own (simulated) account is shown on purpose.
        let revealed = name.contains("revealed") || name == "sandbox_secrets";
        for (cols, rows) in [(80, 24), (120, 40), (250, 80)] {
            let screen = format!("{}", render(&w, cols, rows).backend());
            assert_eq!(screen.contains(secret), revealed, "{name} at {cols}x{rows}");
        }
    }
}

/// The text of every row of a rendered screen.
fn rows(t: &Terminal<TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

/// The content rows of the box whose title row contains `title`: up to its
/// bottom border or its "more" row.
fn box_rows(screen: &[String], title: &str) -> Vec<String> {
    let Some(start) = screen.iter().position(|r| r.contains(title)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in &screen[start + 1..] {
        let t = row.trim();
        if t.starts_with('╰') || t.contains("more ↓") || t.contains("end · PgUp") {
            break;
        }
        out.push(t.trim_start_matches('│').trim_end_matches('│').to_string());
    }
    out
}

/// Everything a scrolling box holds, read by scrolling it one row at a
/// time at 80x24: the first frame, then each new last row.
fn scrolled_box(w: &mut Wizard, title: &str) -> String {
    let first = box_rows(&rows(&render(w, 80, 24)), title);
    assert!(!first.is_empty(), "no box titled {title:?}");
    let mut all = first.clone();
    let mut last = first;
    for _ in 0..200 {
        let before = w.scroll.offset;
        update(w, Msg::Scroll(1));
        if w.scroll.offset == before {
            break;
        }
        let now = box_rows(&rows(&render(w, 80, 24)), title);
        assert_eq!(now.len(), last.len(), "the box keeps its height");
        all.push(now.last().cloned().unwrap_or_default());
        last = now;
    }
    all.join(" ")
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every line of guidance of the catalog (where to find each setting) and
/// of the checklist (what it means, how to check, the fix) appears whole on
/// the 80x24 screen that shows it, scrolled as needed.
#[test]
fn guidance_text_appears_whole_at_80x24() {
    let catalog = Catalog::builtin();
    for (p, provider) in catalog.providers.iter().enumerate() {
        for (i, setting) in provider.settings.iter().enumerate() {
            let mut w = secrets(p);
            for _ in 0..i {
                update(&mut w, Msg::NextField);
            }
            let text = scrolled_box(&mut w, &format!("Where to find {}", setting.label));
            assert!(
                squeeze(&text).contains(&squeeze(&setting.help)),
                "{} {}: {:?} not whole in {text:?}",
                provider.id,
                setting.name,
                setting.help
            );
            // The example in the empty focused field, whole.
            let screen = rows(&render(&w, 80, 24)).join("\n");
            assert!(
                screen.contains(&format!("[e.g. {} ", setting.example)),
                "{} {}: the example {:?} is not whole: {screen}",
                provider.id,
                setting.name,
                setting.example
            );
        }
    }
    let group = catalog.tenant.as_ref().unwrap();
    for (i, setting) in group.settings.iter().enumerate() {
        let mut w = tenant_step();
        for _ in 0..i {
            update(&mut w, Msg::NextField);
        }
        let text = scrolled_box(&mut w, &format!("Where to find {}", setting.label));
        assert!(
            squeeze(&text).contains(&squeeze(&setting.help)),
            "tenant {}: {:?} not whole in {text:?}",
            setting.name,
            setting.help
        );
        assert!(text.contains("Grant scopes in"), "{text}");
    }
    let list = Checklist::builtin();
    let failing: Vec<doctor::Found> = list
        .items
        .iter()
        .map(|item| seen(item.id.as_str(), doctor::Status::Fail, "Failed here."))
        .collect();
    for (i, item) in list.items.iter().enumerate() {
        let mut w = checklist_step();
        let op = w.doctor.running.unwrap();
        update(
            &mut w,
            Msg::DoctorDone {
                op,
                found: failing.clone(),
            },
        );
        w.checklist_cursor = i;
        let text = scrolled_box(&mut w, &format!("· {} ", item.id));
        for part in [&item.explain, &item.how, &item.fix] {
            assert!(
                squeeze(&text).contains(&squeeze(part)),
                "{}: {part:?} not whole in {text:?}",
                item.id
            );
        }
    }
}

/// The footer and the dispatch come from one key table: for every state,
/// a key acts exactly when the table (or, in a field, the editing keys)
/// has it; the footer shows only keys that act, Enter whenever it acts,
/// and says "more keys" when one did not fit; and every key it shows does
/// something (the screen changes, or an effect is asked for).
#[test]
fn footer_keys_are_exactly_the_keys_the_dispatch_accepts() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use sms_mfa::tui::{keys, widgets};
    let mut universe: Vec<KeyEvent> = Vec::new();
    for c in (' '..='~').chain(['é']) {
        universe.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        if c.is_ascii_lowercase() {
            universe.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        }
    }
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::F(1),
        KeyCode::F(2),
    ] {
        universe.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    let mut all = states();
    // Overlays too.
    let (_, mut w) = send_states()
        .into_iter()
        .find(|(n, _)| *n == "code_view_twilio")
        .unwrap();
    w.notice = None;
    all.push(("code_view", w));
    let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
    for (index, (name, w)) in all.iter().enumerate() {
        // (drawn first: a box's scroll limit is what a frame found)
        let footer = rows(&render(w, 80, 24)).last().unwrap().clone();
        let table = keys::bindings(w);
        let accepted = |k: &KeyEvent| {
            table
                .iter()
                .flat_map(|b| b.accepts.iter())
                .find(|(key, _)| *key == keys::Key::of(k))
                .map(|(_, m)| m.clone())
        };
        for k in &universe {
            let expected = accepted(k).or_else(|| if w.typing() { keys::edit(k) } else { None });
            assert_eq!(keys::map(w, *k), expected, "{name}: {k:?}");
        }
        let (_, shown) = widgets::footer_line(&table, 80);
        for b in &shown {
            assert!(!b.accepts.is_empty(), "{name}: {} acts", b.keys);
            assert!(
                footer.contains(&format!("{} {}", b.keys, b.action)),
                "{name}: {} {} in {footer:?}",
                b.keys,
                b.action
            );
        }
        let dropped = table.iter().any(|b| b.footer && !shown.contains(b));
        if dropped && w.overlay.is_none() {
            assert!(footer.contains("more keys"), "{name}: {footer:?}");
        }
        if table
            .iter()
            .any(|b| b.accepts.iter().any(|(k, _)| k.code == KeyCode::Enter))
        {
            assert!(
                shown
                    .iter()
                    .any(|b| b.accepts.iter().any(|(k, _)| k.code == KeyCode::Enter)),
                "{name}: Enter acts and is named: {footer:?}"
            );
        }
        // Every key shown does something (one of the keys it stands for:
        // ↑ at the top of a list may not, ↓ does).
        for b in &shown {
            let acts = b.accepts.iter().any(|(key, msg)| {
                let mut fresh_state = states()
                    .into_iter()
                    .chain(std::iter::once(("code_view", {
                        let (_, mut w) = send_states()
                            .into_iter()
                            .find(|(n, _)| *n == "code_view_twilio")
                            .unwrap();
                        w.notice = None;
                        w
                    })))
                    .nth(index)
                    .unwrap()
                    .1;
                assert_eq!(names[index], *name);
                let before = rows(&render(&fresh_state, 80, 24));
                assert_eq!(keys::map(&fresh_state, key.event()), Some(msg.clone()));
                let effects = fresh_state.update(msg.clone());
                let after = rows(&render(&fresh_state, 80, 24));
                !effects.is_empty() || before != after || fresh_state.quitting
            });
            assert!(
                acts,
                "{name}: {} {} shown but does nothing",
                b.keys, b.action
            );
        }
    }
}

/// Issue 20: the profile chooser before the wizard, at 80x24: the list,
/// and a new name refused.
#[test]
fn the_profile_chooser_at_80x24() {
    use sms_mfa::wizard::chooser::{Chooser, ChooserMsg, ProfileRow};
    let rows = vec![
        ProfileRow {
            name: "default".into(),
            tenant: Some("acme.eu.auth0.com".into()),
            generation: Some("Unified Phone Experience".into()),
            provider: Some("twilio".into()),
            step: "done".into(),
            last_check: "doctor passed 2026-12-01T09:30:00Z".into(),
        },
        ProfileRow {
            name: "staging".into(),
            tenant: None,
            generation: None,
            provider: Some("vonage".into()),
            step: "secrets".into(),
            last_check: "never checked".into(),
        },
    ];
    let draw = |c: &Chooser| {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| sms_mfa::tui::chooser::draw(f, c)).unwrap();
        t
    };
    let mut c = Chooser::new(rows, "default");
    c.update(ChooserMsg::Down);
    insta::assert_snapshot!("profile_chooser_80x24", draw(&c).backend());
    c.update(ChooserMsg::New);
    for ch in "new one".chars() {
        c.update(ChooserMsg::Edit(InputRequest::InsertChar(ch)));
    }
    c.update(ChooserMsg::Enter);
    insta::assert_snapshot!("profile_chooser_bad_name_80x24", draw(&c).backend());
}

/// The account's numbers and the provider's error come from a server: its
/// escape sequences and BiDi marks reach the picker as visible escapes,
/// never raw.
#[test]
fn the_picker_shows_hostile_provider_text_escaped() {
    use sms_mfa::providers::clients::{Choice, Senders};
    let (_, mut w) = picker_states().remove(0);
    let op = w.picker.as_ref().unwrap().op;
    update(
        &mut w,
        Msg::SendersListed {
            op,
            result: Ok(Senders {
                provider: "twilio".into(),
                choices: vec![Choice {
                    setting: "TWILIO_PHONE_NUMBER".into(),
                    value: "+15005550006".into(),
                    label: "Main\u{1b}]0;owned\u{7}\u{202e}number".into(),
                    usable: false,
                    note: Some("x\u{1b}[2Jy".into()),
                }],
                notes: vec!["n\u{9b}31m".into()],
            }),
        },
    );
    let screen = rows(&render(&w, 120, 40)).join("\n");
    for raw in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(
            !screen.contains(raw),
            "{raw:?} reached the screen:\n{screen}"
        );
    }
    assert!(screen.contains("\\u{1b}]0;owned"), "{screen}");
    assert!(screen.contains("\\u{202e}number"), "{screen}");
    let (_, mut w) = picker_states().remove(0);
    let op = w.picker.as_ref().unwrap().op;
    update(
        &mut w,
        Msg::SendersListed {
            op,
            result: Err("refused \u{1b}[31mred\u{202e}".into()),
        },
    );
    let screen = rows(&render(&w, 120, 40)).join("\n");
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{202e}'),
        "{screen}"
    );
    assert!(screen.contains("\\u{1b}[31mred"), "{screen}");
}
