//! The embedded provider catalog and checklist are valid, complete and in
//! the documented order, and broken catalogs are refused.

use sms_mfa::checklist::Checklist;
use sms_mfa::providers::{Catalog, Kind, Required, Validation, validate};

#[test]
fn providers_in_order_with_canonical_settings() {
    let c = Catalog::builtin();
    let ids: Vec<&str> = c.providers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["twilio", "twilio-verify", "vonage", "infobip", "esendex"]
    );
    let expect: [(&str, &[(&str, bool)]); 5] = [
        (
            "twilio",
            &[
                ("TWILIO_ACCOUNT_SID", false),
                ("TWILIO_AUTH_TOKEN", true),
                ("TWILIO_PHONE_NUMBER", false),
                ("TWILIO_MESSAGING_SERVICE_SID", false),
                ("TWILIO_BASE_URL", false),
            ],
        ),
        (
            "twilio-verify",
            &[
                ("TWILIO_ACCOUNT_SID", false),
                ("TWILIO_AUTH_TOKEN", true),
                ("TWILIO_VERIFY_SERVICE_SID", false),
                ("TWILIO_VERIFY_BASE_URL", false),
            ],
        ),
        (
            "vonage",
            &[
                ("VONAGE_API_KEY", false),
                ("VONAGE_API_SECRET", true),
                ("VONAGE_FROM_NUMBER", false),
                ("VONAGE_BASE_URL", false),
            ],
        ),
        (
            "infobip",
            &[
                ("INFOBIP_API_KEY", true),
                ("INFOBIP_BASE_URL", false),
                ("INFOBIP_SENDER", false),
            ],
        ),
        (
            "esendex",
            &[
                ("ESENDEX_ACCOUNT", false),
                ("ESENDEX_USERNAME", false),
                ("ESENDEX_PASSWORD", true),
                ("ESENDEX_BASE_URL", false),
            ],
        ),
    ];
    for (id, settings) in expect {
        let p = c.get(id).unwrap();
        let got: Vec<(&str, bool)> = p
            .settings
            .iter()
            .map(|s| (s.name.as_str(), s.secret))
            .collect();
        assert_eq!(got, settings, "{id}");
        assert!(
            !p.name.is_empty() && !p.description.is_empty() && p.console.starts_with("https://")
        );
    }
    // Twilio: a number, or instead a Messaging Service.
    let t = c.get("twilio").unwrap();
    assert_eq!(
        t.setting("TWILIO_PHONE_NUMBER").unwrap().required,
        Required::OneOf("sender".into())
    );
    assert_eq!(
        t.setting("TWILIO_MESSAGING_SERVICE_SID").unwrap().required,
        Required::OneOf("sender".into())
    );
    assert_eq!(
        c.get("infobip")
            .unwrap()
            .setting("INFOBIP_SENDER")
            .unwrap()
            .required,
        Required::No
    );
    // The older Esendex guide's name is explained.
    assert!(
        c.get("esendex")
            .unwrap()
            .setting("ESENDEX_PASSWORD")
            .unwrap()
            .help
            .contains("ESENDEX_SECRET")
    );
}

#[test]
fn every_example_is_valid_and_every_help_says_where() {
    for p in &Catalog::builtin().providers {
        for s in &p.settings {
            let v = validate(s, &s.example);
            assert!(
                !v.is_error(),
                "{}/{}: example {:?} refused: {v:?}",
                p.id,
                s.name,
                s.example
            );
            assert!(s.help.len() > 20, "{}/{}: help too short", p.id, s.name);
        }
    }
}

#[test]
fn formats_from_the_issue() {
    let c = Catalog::builtin();
    let check = |p: &str, n: &str, v: &str| validate(c.get(p).unwrap().setting(n).unwrap(), v);
    assert!(
        check(
            "twilio",
            "TWILIO_ACCOUNT_SID",
            "AC0123456789abcdef0123456789abcde"
        )
        .is_error()
    );
    assert!(
        check(
            "twilio",
            "TWILIO_AUTH_TOKEN",
            "0123456789abcdef0123456789abcdeg"
        )
        .is_error()
    );
    assert!(
        check(
            "twilio-verify",
            "TWILIO_VERIFY_SERVICE_SID",
            "AC0123456789abcdef0123456789abcdef"
        )
        .message()
        .unwrap()
        .contains("VA")
    );
    assert!(check("vonage", "VONAGE_API_KEY", "abc1234").is_error());
    assert_eq!(
        check("vonage", "VONAGE_FROM_NUMBER", "MyBrand"),
        Validation::Ok
    );
    assert!(check("vonage", "VONAGE_FROM_NUMBER", "MyVeryLongBrand").is_error());
    assert!(check("vonage", "VONAGE_FROM_NUMBER", "4155550100").is_error());
    assert_eq!(
        check("infobip", "INFOBIP_BASE_URL", "https://x1.api.infobip.com"),
        Validation::Ok
    );
    assert!(matches!(
        check("infobip", "INFOBIP_BASE_URL", "https://sms.example.com"),
        Validation::Warn(_)
    ));
    assert!(check("infobip", "INFOBIP_BASE_URL", "http://x1.api.infobip.com").is_error());
    assert_eq!(
        check("infobip", "INFOBIP_BASE_URL", "http://127.0.0.1:9000"),
        Validation::Ok
    );
    assert!(check("esendex", "ESENDEX_ACCOUNT", "EX00000").is_error());
    assert!(
        check(
            "twilio",
            "TWILIO_ACCOUNT_SID",
            " AC0123456789abcdef0123456789abcdef"
        )
        .message()
        .unwrap()
        .contains("spaces")
    );
}

#[test]
fn broken_catalogs_are_refused_with_the_reason() {
    // A provider's id must name a `Kind` (one of the built-in ids).
    let base = r#"
[[provider]]
id = "vonage"
name = "X"
description = "d"
console = "https://x"
[[provider.setting]]
name = "X_KEY"
label = "Key"
secret = true
required = "yes"
format = "FORMAT"
expect = "e"
example = "a"
help = "h"
"#;
    assert!(Catalog::parse(&base.replace("FORMAT", "text")).is_ok());
    let cases = [
        (base.replace("FORMAT", "regex:(["), "bad regex"),
        (base.replace("FORMAT", "rot13"), "unknown format"),
        (
            base.replace("FORMAT", "text")
                .replace("\"yes\"", "\"maybe\""),
            "unknown required",
        ),
        (
            base.replace("FORMAT", "text").replace("X_KEY", "x-key"),
            "UPPER_SNAKE",
        ),
        (
            base.replace("FORMAT", "text")
                .replace("\"yes\"", "\"one-of:g\""),
            "only one setting",
        ),
        (
            base.replace("FORMAT", "text")
                + "\n[[provider]]\nid = \"vonage\"\nname = \"Y\"\ndescription = \"d\"\nconsole = \"c\"\n[[provider.setting]]\nname = \"A\"\nlabel = \"l\"\nsecret = false\nrequired = \"no\"\nformat = \"text\"\nexpect = \"e\"\nexample = \"a\"\nhelp = \"h\"\n",
            "duplicate provider",
        ),
        (
            base.replace("FORMAT", "text")
                .replace("help = \"h\"", "help = \"h\"\ncolour = 1"),
            "unknown field",
        ),
        (
            base.replace("FORMAT", "text")
                .replace("\"vonage\"", "\"telesign\""),
            "no provider kind has this id",
        ),
    ];
    for (text, why) in cases {
        let err = Catalog::parse(&text).expect_err(why).to_string();
        assert!(err.contains(why), "{why}: {err}");
    }
}

#[test]
fn every_catalog_id_has_a_kind_and_every_kind_an_entry() {
    let c = Catalog::builtin();
    assert!(c.complete().is_ok());
    for p in &c.providers {
        let kind = p.kind.expect("every provider has a kind");
        assert_eq!(kind.id(), p.id);
        assert_eq!(p.id.parse::<Kind>(), Ok(kind));
    }
    let kinds: Vec<Kind> = c.providers.iter().filter_map(|p| p.kind).collect();
    assert_eq!(kinds, Kind::ALL);
    // A catalog without one of the kinds parses (tests use small ones) but
    // is not complete, which the embedded one must be (`Catalog::builtin`).
    let one = Catalog::parse(
        r#"
[[provider]]
id = "esendex"
name = "E"
description = "d"
console = "https://e"
[[provider.setting]]
name = "E_KEY"
label = "Key"
secret = true
required = "yes"
format = "text"
expect = "e"
example = "a"
help = "h"
"#,
    )
    .expect("a partial catalog parses");
    assert_eq!(one.providers[0].kind, Some(Kind::Esendex));
    let err = one.complete().expect_err("twilio is missing").to_string();
    assert!(
        err.contains("twilio") && err.contains("no entry in the catalog"),
        "{err}"
    );
}

#[test]
fn checklist_has_every_troubleshooting_item_of_the_guides() {
    let list = Checklist::builtin();
    let ids: Vec<&str> = list.items.iter().map(|i| i.id.as_str()).collect();
    // The guides' troubleshooting sections, item by item, and what the
    // issue adds (credentials without sending, trial, Verify, the tenant's
    // factor, provider, policy, live code, secret names, Hooks, logs).
    for id in [
        // the hook is active and SMS is set to Custom
        "one-live-code",
        "provider-custom",
        // the secrets are configured, and the same ones the provider issued
        "settings-complete",
        "secret-names",
        "credentials-valid",
        // the number is in E.164
        "recipient-e164",
        // the sender belongs to the account
        "sender-owned",
        // MFA is enabled
        "sms-enabled",
        "mfa-policy",
        // the logs, and their Raw tab; the provider's logs
        "failure-logs",
        "provider-logs",
        "trial-destination",
        "verify-custom-codes",
        "hooks-end-of-life",
        "tenant-connection",
        "message-types",
        "test-message",
    ] {
        assert!(ids.contains(&id), "missing {id}");
    }
    for item in &list.items {
        assert!(
            !item.explain.is_empty() && !item.how.is_empty() && !item.fix.is_empty(),
            "{}",
            item.id
        );
    }
}

#[test]
fn the_tenant_group_keeps_only_the_client_secret_secret() {
    let c = Catalog::builtin();
    let t = c
        .tenant
        .as_ref()
        .expect("the builtin catalog has the tenant group");
    assert_eq!(t.id, "auth0");
    assert!(c.get("auth0").is_none(), "not a provider the wizard lists");
    assert_eq!(c.group("auth0").map(|p| p.id.as_str()), Some("auth0"));
    let secret: Vec<&str> = t
        .settings
        .iter()
        .filter(|s| s.secret)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(secret, ["AUTH0_CLIENT_SECRET"]);
    let domain = t.setting("AUTH0_DOMAIN").unwrap();
    assert!(!validate(domain, "acme.eu.auth0.com").is_error());
    // A pasted URL of the domain is taken (stored as the domain itself).
    assert_eq!(
        validate(domain, "https://acme.eu.auth0.com/"),
        Validation::Warn("Stored as acme.eu.auth0.com.".into())
    );
    assert_eq!(
        sms_mfa::providers::validate::normalize(domain, "https://acme.eu.auth0.com/"),
        "acme.eu.auth0.com"
    );
    assert!(
        validate(domain, "login.acme.com").is_error(),
        "custom domains do not serve the Management API"
    );
}

#[test]
fn every_provider_names_its_api_and_the_mapped_errors() {
    use sms_mfa::providers::outcome::ErrorClass;
    let c = Catalog::builtin();
    let expect: &[(&str, &[&str])] = &[
        (
            "twilio",
            &[
                "20003", "20404", "21211", "21408", "21606", "21608", "21610", "21614",
            ],
        ),
        ("twilio-verify", &["60200", "60203", "60410"]),
        (
            "vonage",
            &[
                "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
                "29", "33",
            ],
        ),
        ("infobip", &["http 401", "8", "11", "12", "18", "52"]),
        ("esendex", &["http 401", "http 403", "http 400"]),
    ];
    for (id, codes) in expect {
        let p = c.get(id).unwrap();
        for code in *codes {
            let k = p
                .errors
                .iter()
                .find(|e| e.code == *code)
                .unwrap_or_else(|| panic!("{id} does not map {code}"));
            assert!(!k.meaning.is_empty());
        }
        let base = p.base_setting.as_deref().unwrap();
        let setting = p.setting(base).unwrap();
        assert!(!setting.secret);
        if *id == "infobip" {
            assert_eq!(p.base_url, "", "Infobip's base URL is per account");
        } else {
            assert!(p.base_url.starts_with("https://"));
            assert_eq!(setting.required, Required::No);
            // http:// only for loopback, so credentials never travel in clear.
            assert!(validate(setting, "http://example.com").is_error());
            assert!(!validate(setting, "http://127.0.0.1:8080").is_error());
        }
    }
    assert_eq!(
        c.get("twilio").unwrap().errors[0].class,
        ErrorClass::Authentication
    );
}
