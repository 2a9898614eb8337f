//! The troubleshooting checklist of the source documents (data, from
//! `assets/checklist.toml`) and what the wizard can tell about each item.

use crate::wizard::{FieldState, Wizard};
use serde::Deserialize;
use std::sync::OnceLock;

pub const CHECKLIST_TOML: &str = include_str!("../../assets/checklist.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    #[serde(rename = "item")]
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub category: String,
    pub title: String,
    pub explain: String,
    pub how: String,
    /// The seeds the item comes from (file name prefixes).
    pub source: Vec<String>,
    /// What the wizard can check by itself, if anything.
    #[serde(default)]
    pub auto: Option<Auto>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Auto {
    RecipientE164,
    SettingsComplete,
    /// The provider's answer to the credential check.
    CredentialsCheck,
}

/// What is known about an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Pass(String),
    Fail(String),
    /// Nothing to observe yet, or only a person (or a later version) can check it.
    Manual(String),
}

impl Checklist {
    pub fn builtin() -> &'static Checklist {
        static LIST: OnceLock<Checklist> = OnceLock::new();
        LIST.get_or_init(|| Checklist::parse(CHECKLIST_TOML).expect("embedded checklist"))
    }

    pub fn parse(text: &str) -> Result<Checklist, String> {
        let list: Checklist = toml::from_str(text).map_err(|e| e.to_string())?;
        if list.items.is_empty() {
            return Err("the checklist has no items".into());
        }
        let mut ids = std::collections::HashSet::new();
        for item in &list.items {
            if !ids.insert(item.id.as_str()) {
                return Err(format!("duplicate checklist id {}", item.id));
            }
        }
        Ok(list)
    }
}

/// What the wizard can say about an item, from its own state. Pure.
pub fn status(item: &Item, w: &Wizard) -> Status {
    const LATER: &str = "Check this by hand, or with `sms-mfa tenant check` for the tenant's part.";
    match item.auto {
        Some(Auto::RecipientE164) => match (w.test.recipient.value(), w.test.recipient_state()) {
            ("", _) => Status::Manual("No test recipient entered yet (step 3).".into()),
            (v, FieldState::Valid) => {
                Status::Pass(format!("The test recipient {v} is valid E.164."))
            }
            (v, FieldState::Invalid(why)) => {
                Status::Fail(format!("The test recipient {v:?} is not E.164: {why}"))
            }
            (_, other) => Status::Manual(format!("{other:?}")),
        },
        Some(Auto::SettingsComplete) => match w.provider() {
            None => Status::Manual("No provider chosen yet (step 1).".into()),
            Some(p) if w.settings_complete() => Status::Manual(format!(
                "Every setting {} needs is stored (keyring, profile or environment): {}. Whether the tenant's Action has them as secrets: `sms-mfa tenant check`.",
                p.name,
                p.settings
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(p) => Status::Fail(format!(
                "Settings for {} are incomplete or invalid: see step 2.",
                p.name
            )),
        },
        Some(Auto::CredentialsCheck) => credentials(w),
        None => Status::Manual(LATER.into()),
    }
}

fn credentials(w: &Wizard) -> Status {
    use crate::wizard::CallError;
    if w.checking_credentials.is_some() {
        return Status::Manual("Being checked with the provider now.".into());
    }
    let Some(c) = &w.credentials else {
        return Status::Manual(
            "Not checked yet: save the credentials in step 2 and the wizard asks the provider (or run `sms-mfa check-credentials`)."
                .into(),
        );
    };
    match &c.result {
        Ok(r) if r.usable && r.warnings.is_empty() => {
            Status::Pass(format!("The provider accepted them: {}.", r.summary))
        }
        Ok(r) if r.usable => Status::Pass(format!(
            "The provider accepted them: {}. But: {}",
            r.summary,
            r.warnings.join(" ")
        )),
        Ok(r) => Status::Fail(format!("{}. {}", r.summary, r.warnings.join(" "))),
        Err(CallError::Failed(f)) => Status::Fail(format!(
            "{}: {} The provider said: [{}] {}",
            f.class.title(),
            f.hint(),
            f.code.as_deref().unwrap_or("no code"),
            f.message
        )),
        Err(CallError::Setup(p)) => Status::Manual(format!("Not checked: {}.", p.join("; "))),
    }
}

/// The checks of the tenant step, in the order they run. This build lists
/// them without running them.
pub const TENANT_CHECKS: [(&str, &str); 8] = [
    (
        "Tenant generation",
        "Legacy hook, Actions with classic phone settings, or Unified Phone Experience.",
    ),
    (
        "SMS factor enabled",
        "Security > Multi-factor Auth: the Phone Message factor is on.",
    ),
    (
        "Message types include SMS",
        "The phone factor offers SMS (not only voice).",
    ),
    (
        "Delivery provider is Custom",
        "phone-message-hook on classic tenants, a custom phone provider on new ones.",
    ),
    (
        "An MFA policy asks for the factor",
        "An empty policy means nobody is ever asked.",
    ),
    (
        "Exactly one live sending code",
        "One enabled hook, or one deployed Action bound to the trigger.",
    ),
    (
        "Secret names match the code",
        "Every secret the code reads is configured, and the other way round.",
    ),
    (
        "No recent delivery failures",
        "gd_send_sms_failure and fn log entries, with the provider's error text.",
    ),
];
