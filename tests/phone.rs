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
    }
    assert!(phone::parse("+14155550100").unwrap().1, "a valid US number");
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
        let theirs = crate_says(&number).map(|(_, v)| v);
        prop_assert_eq!(ours, theirs, "{}", number);
    }
}
