//! Our per-country loading of libphonenumber's metadata agrees with the
//! `phonenumber` crate's own full database: same validity, same parse.

use proptest::prelude::*;
use sms_mfa::providers::phone;

fn crate_says(number: &str) -> Option<(phonenumber::PhoneNumber, bool)> {
    let n = phonenumber::parse(None, number).ok()?;
    let valid = phonenumber::is_valid(&n);
    Some((n, valid))
}

#[test]
fn known_numbers_agree() {
    for number in [
        // Kazakhstan's 700 range behind the trunk prefix 8, which
        // libphonenumber strips after +7 (found by random_numbers_agree).
        "+787000000000",
        "+14155550100",
        "+12015550123",
        "+447911123456",
        "+447700900123",
        "+4915123456789",
        "+33612345678",
        "+61412345678",
        "+5511912345678",
        "+919876543210",
        "+8613812345678",
        "+80012345678",
        "+2348031234567",
        "+99912345678",
        "+1",
    ] {
        let ours = phone::parse(number).map(|(n, v)| (n.to_string(), v));
        let theirs = crate_says(number).map(|(n, v)| (n.to_string(), v));
        assert_eq!(ours, theirs, "{number}");
        if let Some(id) = crate_says(number).and_then(|(n, _)| n.country().id()) {
            assert_eq!(
                phone::region(number).as_deref(),
                Some(id.as_ref()),
                "{number}"
            );
        }
    }
    assert!(phone::parse("+14155550100").unwrap().1, "a valid US number");
    assert_eq!(phone::region("+14155550100").as_deref(), Some("US"));
    // Non-geographic codes: libphonenumber's "001" is not a country, and
    // the crate names none for them either.
    for number in ["+80012345678", "+881600000000"] {
        assert!(crate_says(number).unwrap().1, "{number} is valid");
        assert_eq!(crate_says(number).unwrap().0.country().id(), None);
        assert_eq!(phone::region(number), None, "{number}");
    }
    assert!(
        !phone::parse("+447700900123").unwrap().1,
        "UK drama numbers are not valid"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn random_numbers_agree(digits in "[1-9][0-9]{6,14}") {
        let number = format!("+{digits}");
        let ours = phone::parse(&number).map(|(_, v)| v);
        let theirs = crate_says(&number);
        prop_assert_eq!(ours, theirs.as_ref().map(|(_, v)| *v), "{}", number);
        // The region the test step shows, for a valid number, wherever
        // the crate names one. Where it names none, ours may: with every
        // territory of a code loaded the crate picks one by matching the
        // national number without its leading zeros, so +39 050 000, an
        // Italian fixed line, has no region there (its validity, above,
        // keeps the zeros), while the cut for that number holds Italy only.
        if let Some((n, true)) = theirs
            && let Some(id) = n.country().id()
        {
            prop_assert_eq!(phone::region(&number), Some(id.as_ref().to_string()), "{}", number);
        }
    }
}

/// A number libphonenumber's metadata does not know, in E.164 form with a
/// possible length, is accepted with a warning naming the metadata version,
/// and the test form lets it be sent; an impossible one is refused.
#[test]
fn unknown_ranges_warn_and_impossible_lengths_are_refused() {
    use sms_mfa::providers::validate::{e164, e164_check, e164_warning};
    use sms_mfa::providers::{Catalog, Validation};
    // +44 7700 900123: the UK's drama range, 10 national digits, a possible
    // length, but no known range.
    let unknown = "+447700900123";
    assert_eq!(e164(unknown), Ok(unknown.to_string()));
    let warning = e164_warning(unknown).expect("a warning");
    assert!(warning.contains("GB"), "{warning}");
    assert!(
        warning.contains(&format!("libphonenumber {}", phone::METADATA_VERSION)),
        "{warning}"
    );
    assert!(matches!(e164_check(unknown), Validation::Warn(_)));
    // A known one: no warning.
    assert_eq!(e164_check("+447911123456"), Validation::Ok);
    // +44 7911 1234: 8 national digits, a length no UK number has.
    let impossible = e164("+4479111234").unwrap_err();
    assert!(impossible.contains("GB"), "{impossible}");
    assert!(impossible.contains("this has 8"), "{impossible}");
    // 00 44 7911 1234: the international prefix does not make it possible.
    let prefixed = e164("004479111234").unwrap_err();
    assert!(prefixed.contains("not a possible number"), "{prefixed}");
    assert!(
        !prefixed.starts_with("Write the leading 00 as +"),
        "{prefixed}"
    );
    // 00 44 7911 123456: complete, so the 00 is just written as +.
    assert_eq!(
        e164("00447911123456").unwrap_err(),
        "Write the leading 00 as +: +447911123456."
    );

    // The wizard's test form: a warning, and Enter sends.
    use sms_mfa::checklist::Checklist;
    use sms_mfa::config::Profile;
    use sms_mfa::wizard::{Effect, FieldState, InputRequest, Msg, Step, Wizard};
    let mut profile = Profile {
        provider: Some("twilio".into()),
        step: Step::TestMessage,
        ..Profile::default()
    };
    profile.settings.entry("twilio".into()).or_default().insert(
        "TWILIO_ACCOUNT_SID".into(),
        "AC0123456789abcdef0123456789abcdef".into(),
    );
    let mut w = Wizard::new(Catalog::builtin(), Checklist::builtin(), "p", profile, None);
    let send = |w: &mut Wizard, number: &str| {
        w.update(Msg::Edit(InputRequest::DeleteLine));
        for c in number.chars() {
            w.update(Msg::Edit(InputRequest::InsertChar(c)));
        }
        let state = w.test.recipient_state();
        w.update(Msg::Enter); // to the text
        let effects = w.update(Msg::Enter); // send
        w.test.focus = 0;
        w.busy = None;
        (
            state,
            effects
                .iter()
                .any(|e| matches!(e, Effect::SendTest { to, .. } if to == number)),
        )
    };
    let (state, sent) = send(&mut w, unknown);
    assert!(matches!(state, FieldState::Warning(_)), "{state:?}");
    assert!(sent, "an unknown range is still sent");
    let (state, sent) = send(&mut w, "+4479111234");
    assert!(matches!(state, FieldState::Invalid(_)), "{state:?}");
    assert!(!sent, "an impossible number is not sent");
}

/// The version named in the warnings is the one Cargo.lock builds.
#[test]
fn metadata_version_is_the_crates() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let at = lock
        .find("name = \"phonenumber\"")
        .expect("phonenumber in Cargo.lock");
    let version = lock[at..].lines().nth(1).unwrap();
    assert!(
        version.ends_with(&format!("+{}\"", phone::METADATA_VERSION)),
        "{version}"
    );
}
