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
    let base = match base_url {
        Some(b) => normalize(b)?,
        None if provider.base_url.is_empty() => String::new(),
        None => normalize(&provider.base_url)?,
    };
    let base = base.as_str();
    let secrets: Vec<String> = action_secrets(provider).into_iter().collect();
    let text = [COMMON, part, target.wrapper()]
        .concat()
        .replace("{{VERSION}}", env!("CARGO_PKG_VERSION"))
        .replace("{{PROVIDER_NAME}}", &provider.name)
        .replace("{{SECRETS}}", &secrets.join(", "))
        .replace("{{BASE_URL}}", base);
    Ok(text)
}

/// A base URL as it may be written into code: the parsed URL's own
/// serialization, without the trailing slash. Refused: control characters
/// (which the URL parser would silently strip), a user name or password, a
/// fragment, a query, a path, a scheme other than http(s), and anything
/// the serialization would still quote wrongly in a JavaScript string.
pub fn normalize(base: &str) -> Result<String, String> {
    let shown = crate::sanitize::one_line(base);
    if crate::sanitize::has_control(base) {
        return Err(format!(
            "the base URL \"{shown}\" has a control character (a carriage return, a tab?): remove it"
        ));
    }
    let u = url::Url::parse(base)
        .map_err(|e| format!("the base URL \"{shown}\" is not a URL ({e})"))?;
    if !matches!(u.scheme(), "https" | "http") || u.host_str().is_none() {
        return Err(format!(
            "the base URL \"{shown}\" is not an http(s) URL with a host"
        ));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(format!(
            "the base URL \"{shown}\" has a user name or password in it: credentials belong in the Action's secrets, never in its code"
        ));
    }
    if u.fragment().is_some() {
        return Err(format!(
            "the base URL \"{shown}\" has a #fragment: give the base URL only"
        ));
    }
    if u.query().is_some() || !matches!(u.path(), "" | "/") {
        return Err(format!(
            "the base URL \"{shown}\" has a path or query: give the base URL only"
        ));
    }
    let text = u.as_str().trim_end_matches('/').to_string();
    if text.contains(crate::providers::validate::NOT_IN_CODE) {
        return Err(format!(
            "the base URL \"{shown}\" cannot be written into code"
        ));
    }
    Ok(text)
}

/// Why `host` is one Auth0's servers cannot reach: a loopback,
/// private-network, link-local or unspecified address, or a local name.
pub fn local_host(host: &str) -> Option<&'static str> {
    use std::net::IpAddr;
    let h = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") {
        return Some("a loopback address");
    }
    if h.ends_with(".local") || h.ends_with(".internal") || h.ends_with(".lan") {
        return Some("a local-network name");
    }
    match h.parse::<IpAddr>().ok()? {
        IpAddr::V4(ip) if ip.is_loopback() => Some("a loopback address"),
        IpAddr::V4(ip)
            if ip.is_private() || ip.octets()[0] == 100 && ip.octets()[1] & 0xc0 == 64 =>
        {
            Some("a private-network address")
        }
        IpAddr::V4(ip) if ip.is_link_local() => Some("a link-local address"),
        IpAddr::V4(ip) if ip.is_unspecified() => Some("an unspecified address"),
        IpAddr::V6(ip) if ip.is_loopback() => Some("a loopback address"),
        IpAddr::V6(ip) if ip.segments()[0] & 0xfe00 == 0xfc00 => Some("a private-network address"),
        IpAddr::V6(ip) if ip.segments()[0] & 0xffc0 == 0xfe80 => Some("a link-local address"),
        IpAddr::V6(ip) if ip.is_unspecified() => Some("an unspecified address"),
        IpAddr::V6(ip) => ip
            .to_ipv4_mapped()
            .and_then(|v4| local_host(&v4.to_string())),
        _ => None,
    }
}

/// Why `url` points where Auth0's servers cannot reach, if it does.
pub fn local_url(url: &str) -> Option<&'static str> {
    local_host(url::Url::parse(url).ok()?.host_str()?)
}

/// Whether code calling `base` may go into an Action for the tenant at
/// `tenant`: a loopback or private-network base URL only for a tenant that
/// is itself on this machine (the sandbox's simulated tenant, the tests'
/// fakes), since a real tenant's servers can never reach it.
pub fn deployable(base: &str, tenant: &str) -> Result<(), String> {
    let Some(why) = local_url(base) else {
        return Ok(());
    };
    if local_url(tenant).is_some() {
        return Ok(());
    }
    Err(format!(
        "the API base URL {base} is {why}: Auth0's servers cannot reach it, so it is not put into an Action for the tenant {tenant}. It is fine for send-test; remove the base-URL override (or use the provider's public address) before planning"
    ))
}

/// The http(s) URLs in `code` whose host Auth0's servers cannot reach,
/// each with why (the doctor's check of the live code).
pub fn local_urls(code: &str) -> Vec<(String, &'static str)> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE
        .get_or_init(|| regex::Regex::new(r#"https?://[^\s"'`<>)\]}]+"#).expect("a valid pattern"));
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for m in re.find_iter(code) {
        let url = m.as_str().trim_end_matches(['/', ',', ';', '.']);
        if let Some(why) = local_url(url)
            && !out.iter().any(|(u, _)| u == url)
        {
            out.push((url.to_string(), why));
        }
    }
    out
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
