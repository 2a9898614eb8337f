//! The Action code the tenant runs, rendered from `assets/templates/`: a
//! common prelude, one part per provider, one wrapper per trigger. Pure.
//!
//! Also the static check of secret names: the set of `secrets.NAME` a piece
//! of code reads, compared with the secrets the catalog says the provider
//! needs (the classic "secrets configured, but the code reads another name").

use crate::providers::Provider;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const COMMON: &str = include_str!("../../assets/templates/common.js");

/// Each provider's part, by catalog id.
const PROVIDERS: [(&str, &str); 5] = [
    (
        "twilio",
        include_str!("../../assets/templates/providers/twilio.js"),
    ),
    (
        "twilio-verify",
        include_str!("../../assets/templates/providers/twilio-verify.js"),
    ),
    (
        "vonage",
        include_str!("../../assets/templates/providers/vonage.js"),
    ),
    (
        "infobip",
        include_str!("../../assets/templates/providers/infobip.js"),
    ),
    (
        "esendex",
        include_str!("../../assets/templates/providers/esendex.js"),
    ),
];

/// Where Auth0 runs the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Action on the send-phone-message trigger (classic phone settings).
    SendPhoneMessage,
    /// Action on the custom-phone-provider trigger (Unified Phone Experience).
    CustomPhoneProvider,
}

impl Target {
    pub const ALL: [Target; 2] = [Target::CustomPhoneProvider, Target::SendPhoneMessage];

    pub fn id(self) -> &'static str {
        match self {
            Target::SendPhoneMessage => "send-phone-message",
            Target::CustomPhoneProvider => "custom-phone-provider",
        }
    }

    pub fn parse(id: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.id() == id)
    }

    /// For whom, in one line.
    pub fn describe(self) -> &'static str {
        match self {
            Target::SendPhoneMessage => {
                "Action for the send-phone-message trigger (tenants with classic phone settings)"
            }
            Target::CustomPhoneProvider => {
                "Action for the custom-phone-provider trigger (Unified Phone Experience: new tenants)"
            }
        }
    }

    fn wrapper(self) -> &'static str {
        match self {
            Target::SendPhoneMessage => {
                include_str!("../../assets/templates/targets/send-phone-message.js")
            }
            Target::CustomPhoneProvider => {
                include_str!("../../assets/templates/targets/custom-phone-provider.js")
            }
        }
    }
}

/// The secrets the provider's Action needs: its settings, without the
/// API base-URL override (that one is written into the code).
pub fn action_secrets(provider: &Provider) -> BTreeSet<String> {
    provider
        .settings
        .iter()
        .filter(|s| {
            let is_override = provider.base_setting.as_deref() == Some(s.name.as_str())
                && !provider.base_url.is_empty();
            !is_override
        })
        .map(|s| s.name.clone())
        .collect()
}

/// Render the Action for `provider` and `target`. `base_url` replaces the
/// provider's default API base URL (a regional host, or a test server).
pub fn render(
    provider: &Provider,
    target: Target,
    base_url: Option<&str>,
) -> Result<String, String> {
    let part = PROVIDERS
        .iter()
        .find(|(id, _)| *id == provider.id)
        .map(|(_, t)| *t)
        .ok_or_else(|| format!("no Action template for provider {}", provider.id))?;
    let base = base_url.unwrap_or(&provider.base_url).trim_end_matches('/');
    if base.contains(['"', '\\', '\n', '`', '$']) {
        return Err(format!("the base URL {base:?} cannot be written into code"));
    }
    let secrets: Vec<String> = action_secrets(provider).into_iter().collect();
    let text = [COMMON, part, target.wrapper()]
        .concat()
        .replace("{{VERSION}}", env!("CARGO_PKG_VERSION"))
        .replace("{{PROVIDER_NAME}}", &provider.name)
        .replace("{{SECRETS}}", &secrets.join(", "))
        .replace("{{BASE_URL}}", base);
    Ok(text)
}

/// The secret names a piece of Action (or legacy hook) code reads:
/// `event.secrets.NAME`, `context.webtask.secrets.NAME`, `secrets.NAME`,
/// `secrets["NAME"]`.
pub fn secrets_read(code: &str) -> BTreeSet<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"\bsecrets\s*(?:\.\s*([A-Za-z_$][A-Za-z0-9_$]*)|\[\s*["']([^"']+)["']\s*\])"#,
        )
        .expect("a valid pattern")
    });
    re.captures_iter(code)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str().to_string())
        .collect()
}

/// How the names a code reads differ from the configured ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mismatch {
    /// Read by the code but not configured: the code gets `undefined`.
    pub missing: Vec<String>,
    /// Configured but never read: often the same value under another name.
    pub unused: Vec<String>,
}

impl Mismatch {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.unused.is_empty()
    }
}

/// Compare the names `code` reads with the `configured` ones.
pub fn compare(code: &str, configured: &BTreeSet<String>) -> Mismatch {
    let read = secrets_read(code);
    Mismatch {
        missing: read.difference(configured).cloned().collect(),
        unused: configured.difference(&read).cloned().collect(),
    }
}
