//! The provider's checks: its settings, and what its API says about the
//! credentials, the account and the sender.

use super::model::{Found, Status, found};
use super::{Prepared, deliveries};
use crate::providers::clients::{self, Client, Http, Recipient, Settings};
use crate::providers::outcome::{CredentialReport, Failure, Ownership, Told};
use crate::providers::{Catalog, Provider};

/// The ids each group of checks answers.
pub(crate) const PROVIDER_IDS: [&str; 6] = [
    "settings-complete",
    "credentials-valid",
    "trial-destination",
    "verify-custom-codes",
    "sender-owned",
    deliveries::ID,
];

/// Every provider check skipped, for `reason`.
fn provider_skipped(reason: &str) -> Vec<Found> {
    PROVIDER_IDS
        .iter()
        .map(|id| found(id, Status::Skipped, reason))
        .collect()
}

/// A failed provider call as a check: a temporary failure could not check,
/// anything else fails.
fn failed(id: &'static str, f: &Failure) -> Found {
    let status = if f.class.temporary() {
        Status::Error
    } else {
        Status::Fail
    };
    let mut v = found(
        id,
        status,
        format!(
            "{}: {} The provider said: [{}] {}",
            f.class.title(),
            f.hint(),
            f.code.as_deref().unwrap_or("no code"),
            f.message
        ),
    );
    if status == Status::Error {
        v.fix = Some(format!(
            "{} Then check again (r in the wizard, or `sms-mfa doctor`).",
            f.class.hint()
        ));
    } else if f.class != crate::providers::outcome::ErrorClass::Authentication {
        // Not the credentials: what the provider's answer means.
        v.fix = Some(f.hint().to_string());
    }
    v
}

pub(super) async fn provider_checks(
    p: &Prepared,
    catalog: &'static Catalog,
    http: Http,
) -> Vec<Found> {
    let Some(provider) = p.provider else {
        return provider_skipped("No provider chosen: pick one in step 1, or pass --provider.");
    };
    if let Err(e) = clients::check_settings(provider, &p.settings) {
        let keyring = p.settings.iter().find_map(|r| r.error.as_ref());
        let mut v = vec![found(
            "settings-complete",
            if keyring.is_some() {
                Status::Error
            } else {
                Status::Fail
            },
            match keyring {
                Some(k) => format!("{}. {}", e.0.join("; "), k.remedy()),
                None => format!("{}.", e.0.join("; ")),
            },
        )];
        v.extend(
            provider_skipped("Skipped: needs the provider's settings.")
                .into_iter()
                .skip(1),
        );
        return v;
    }
    let sources: Vec<String> = p
        .settings
        .iter()
        .filter(|r| r.value.is_some())
        .map(|r| format!("{} ({})", r.name, r.source.as_str()))
        .collect();
    let complete = found(
        "settings-complete",
        Status::Pass,
        format!("Stored: {}.", sources.join(", ")),
    );
    let settings = Settings::of(&p.settings);
    let client = match Client::new(catalog, &provider.id, &settings, http) {
        Ok(c) => c,
        Err(e) => {
            let mut v = vec![found("settings-complete", Status::Fail, format!("{e}."))];
            v.extend(
                provider_skipped("Skipped: needs usable settings.")
                    .into_iter()
                    .skip(1),
            );
            return v;
        }
    };
    let recipient = p
        .recipient
        .as_deref()
        .and_then(|r| Recipient::parse(r).ok());
    let (credentials, sender, destination, deliveries) = futures::join!(
        client.check_credentials(),
        client.sender_owned(),
        async {
            match &recipient {
                Some(r) => Some(client.destination_verified(r).await),
                None => None,
            }
        },
        deliveries::check(&client, recipient.as_ref().map(|r| r.e164()))
    );
    vec![
        complete,
        credentials_valid(&credentials),
        trial_destination(provider, &credentials, p.recipient.as_deref(), destination),
        custom_codes(provider, &credentials),
        match &credentials {
            // One cause, one failure: the credentials' own check says it.
            Err(f) if f.class == crate::providers::outcome::ErrorClass::Authentication => found(
                "sender-owned",
                Status::Skipped,
                "Skipped: the provider refused the credentials.",
            ),
            _ => sender_owned(&sender),
        },
        match &credentials {
            Err(f) if f.class == crate::providers::outcome::ErrorClass::Authentication => found(
                deliveries::ID,
                Status::Skipped,
                "Skipped: the provider refused the credentials.",
            ),
            _ => deliveries,
        },
    ]
}

fn credentials_valid(c: &Result<CredentialReport, Failure>) -> Found {
    const ID: &str = "credentials-valid";
    match c {
        Ok(r) if r.usable => found(
            ID,
            Status::Pass,
            format!("The provider accepted them: {}.", r.summary),
        ),
        // Verify's custom codes have a check of their own.
        Ok(r) if r.custom_codes == Some(false) => found(
            ID,
            Status::Pass,
            format!("The provider accepted them: {}.", r.summary),
        ),
        Ok(r) => Found {
            // The credentials work; what stops sending is the account.
            fix: Some(if r.warnings.is_empty() {
                "Fix the account in the provider's console, then check again.".to_string()
            } else {
                r.warnings.join(" ")
            }),
            ..found(
                ID,
                Status::Fail,
                format!(
                    "The provider accepted them, but: {}. {}",
                    r.summary,
                    r.warnings.join(" ")
                ),
            )
        },
        Err(f) => failed(ID, f),
    }
}

fn trial_destination(
    provider: &Provider,
    c: &Result<CredentialReport, Failure>,
    recipient: Option<&str>,
    destination: Option<Result<Told<bool>, Failure>>,
) -> Found {
    const ID: &str = "trial-destination";
    let r = match c {
        Ok(r) => r,
        Err(_) => return found(ID, Status::Skipped, "Skipped: the credential check failed."),
    };
    match r.trial {
        None => found(
            ID,
            Status::Skipped,
            format!(
                "{}'s API does not say whether the account is a trial; a trial's codes only reach verified numbers.",
                provider.name
            ),
        ),
        Some(false) => found(
            ID,
            Status::Pass,
            format!("Not a trial account ({}).", r.summary),
        ),
        Some(true) => match (recipient, destination) {
            (None, _) => found(
                ID,
                Status::Warning,
                "Trial account: codes only reach numbers verified in the provider's console. No test recipient to look up (step 3, or --to).",
            ),
            (Some(to), None) => found(
                ID,
                Status::Fail,
                format!("Trial account, and the test recipient {to:?} is not a valid number."),
            ),
            (Some(to), Some(Ok(Told::Known(true)))) => found(
                ID,
                Status::Warning,
                format!(
                    "Trial account: {to} is verified, so the test reaches it, but real users' numbers are not (Twilio error 21608)."
                ),
            ),
            (Some(to), Some(Ok(Told::Known(false)))) => found(
                ID,
                Status::Fail,
                format!(
                    "Trial account, and {to} is not a verified caller id: Twilio refuses to send to it (error 21608)."
                ),
            ),
            (Some(_), Some(Ok(Told::Untold(why)))) => found(
                ID,
                Status::Warning,
                format!("Trial account: codes only reach verified numbers. {why}"),
            ),
            (Some(_), Some(Err(f))) => failed(ID, &f),
        },
    }
}

fn custom_codes(provider: &Provider, c: &Result<CredentialReport, Failure>) -> Found {
    const ID: &str = "verify-custom-codes";
    let r = match c {
        Ok(r) if r.custom_codes.is_some() => r,
        Err(_) if provider.kind == Some(crate::providers::Kind::TwilioVerify) => {
            return found(ID, Status::Skipped, "Skipped: the credential check failed.");
        }
        _ => {
            return found(
                ID,
                Status::Skipped,
                format!(
                    "Only Twilio Verify makes its own codes; {} sends Auth0's text as it is.",
                    provider.name
                ),
            );
        }
    };
    if r.custom_codes == Some(true) {
        found(
            ID,
            Status::Pass,
            format!(
                "Custom verification codes are enabled ({}). {}",
                r.summary,
                crate::auth0::plan::VERIFY_NOTICES
            ),
        )
    } else {
        found(
            ID,
            Status::Fail,
            format!(
                "Custom verification codes are disabled on the Verify service ({}): Auth0 passes its own code, so every send fails.",
                r.summary
            ),
        )
    }
}

fn sender_owned(s: &Result<Told<Ownership>, Failure>) -> Found {
    const ID: &str = "sender-owned";
    match s {
        Ok(Told::Untold(why)) => found(ID, Status::Skipped, why.clone()),
        Ok(Told::Known(o)) if !o.owned => found(
            ID,
            Status::Fail,
            format!(
                "{} is not a number of this account: the provider refuses to send from it (Twilio 21606).",
                o.sender
            ),
        ),
        Ok(Told::Known(o)) if o.sms_capable == Some(false) => found(
            ID,
            Status::Fail,
            format!("{} belongs to the account but cannot send SMS.", o.sender),
        ),
        Ok(Told::Known(o)) => found(
            ID,
            Status::Pass,
            format!(
                "{} is one of the account's numbers{}.",
                o.sender,
                if o.sms_capable == Some(true) {
                    " and can send SMS"
                } else {
                    ""
                }
            ),
        ),
        Err(f) => failed(ID, f),
    }
}
