//! Validation of setting values against the catalog's formats. Pure: the
//! same function serves the form (as you type), `secrets set`, and checks.

use super::catalog::{Format, Setting};
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    Ok,
    /// Accepted, but worth a second look.
    Warn(String),
    /// Refused, with what to do instead.
    Error(String),
}

impl Validation {
    pub fn is_error(&self) -> bool {
        matches!(self, Validation::Error(_))
    }
    pub fn message(&self) -> Option<&str> {
        match self {
            Validation::Ok => None,
            Validation::Warn(m) | Validation::Error(m) => Some(m),
        }
    }
}

/// What is stored for a value as typed or pasted: the tenant domain's
/// canonical form (a pasted `https://acme.eu.auth0.com/` is stored as
/// `acme.eu.auth0.com`); every other value as it is.
pub fn normalize(setting: &Setting, value: &str) -> String {
    match setting.format {
        Format::TenantDomain => canonical_domain(value).unwrap_or_else(|_| value.to_string()),
        _ => value.to_string(),
    }
}

/// Why a pasted domain cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DomainError {
    Empty,
    /// Not `*.auth0.com`: likely a custom domain.
    Custom(String),
    Invalid(String),
}

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DomainError::Empty => f.write_str("no tenant domain given (like acme.eu.auth0.com)"),
            DomainError::Custom(h) => write!(
                f,
                "{h} looks like a custom domain: the Management API answers only on the tenant's canonical domain, like acme.eu.auth0.com. Find it under Dashboard > Settings > General, or as the Domain of any application"
            ),
            DomainError::Invalid(h) => write!(
                f,
                "{h:?} is not a tenant domain: give it like acme.eu.auth0.com (a pasted https://acme.eu.auth0.com/ works too)"
            ),
        }
    }
}

/// The tenant's canonical domain from what users paste:
/// `https://acme.eu.auth0.com/`, `acme.eu.auth0.com`, `ACME.eu.auth0.com`,
/// `https://acme.eu.auth0.com/api/v2/`.
pub(crate) fn canonical_domain(input: &str) -> Result<String, DomainError> {
    let t = input.trim();
    if t.is_empty() {
        return Err(DomainError::Empty);
    }
    let lower = t.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.trim_end_matches('.');
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if host.contains(':') || host.contains('@') || !host.split('.').all(label_ok) {
        return Err(DomainError::Invalid(t.to_string()));
    }
    if !host.contains('.') {
        return Err(DomainError::Invalid(t.to_string()));
    }
    match host.strip_suffix(".auth0.com") {
        Some(name) if !name.is_empty() => Ok(host.to_string()),
        _ => Err(DomainError::Custom(host.to_string())),
    }
}

/// Validate a non-empty value. (Whether an empty value is allowed depends on
/// the other settings, see `Required`; the form decides that.)
pub fn validate(setting: &Setting, value: &str) -> Validation {
    if let Some(v) = control(value) {
        return v;
    }
    for (pattern, message) in &setting.reject {
        if pattern.is_match(value) {
            return Validation::Error(message.clone());
        }
    }
    match &setting.format {
        Format::Regex(re) => {
            if re.is_match(value) {
                Validation::Ok
            } else if value.trim() != value {
                Validation::Error("Remove the spaces before or after the value.".into())
            } else {
                Validation::Error(format!(
                    "Expected {}, e.g. {}.",
                    setting.expect, setting.example
                ))
            }
        }
        Format::E164 => e164_check(value),
        Format::Sender => sender(value),
        Format::HttpsUrl { host_suffix } => https_url(value, host_suffix.as_deref()),
        Format::Text => Validation::Ok,
        Format::TenantDomain => match canonical_domain(value) {
            Ok(d) if d == value => Validation::Ok,
            Ok(d) => Validation::Warn(format!("Stored as {d}.")),
            Err(e) => Validation::Error(format!("{e}.")),
        },
    }
}

/// A phone number in strict E.164 form (`+` and 8 to 15 digits) with a
/// length its country code allows. Returns the number as written. A number
/// in a range libphonenumber's metadata does not know is accepted (the
/// metadata lags real allocations): [`e164_warning`] says so.
pub fn e164(value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("Enter a number in E.164 form, e.g. +14155550100.".into());
    }
    let digits: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
    if let Some(rest) = v.strip_prefix("00")
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit())
    {
        // 00 is the international prefix: +rest, if that is a number.
        let candidate = format!("+{rest}");
        return Err(match e164(&candidate) {
            Ok(_) => format!("Write the leading 00 as +: {candidate}."),
            Err(why) => format!(
                "Read with 00 as the international prefix this is {candidate}, which is not a possible number: {why}"
            ),
        });
    }
    if !v.starts_with('+') {
        if digits.starts_with('0') {
            return Err(
                "Start with + and the country code instead of the national 0, e.g. +447911123456 for 07911 123456."
                    .into(),
            );
        }
        return Err(format!(
            "Start with + and the country code, e.g. +1 for the US: +{}.",
            if digits.is_empty() {
                "14155550100"
            } else {
                &digits
            }
        ));
    }
    if v[1..].chars().any(|c| !c.is_ascii_digit()) {
        if v[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || " -().".contains(c))
        {
            return Err(format!("Remove spaces and punctuation: +{digits}."));
        }
        return Err("Only digits may follow the +.".into());
    }
    if digits.len() < 8 || digits.len() > 15 {
        return Err(format!(
            "An E.164 number has 8 to 15 digits after the +; this has {}.",
            digits.len()
        ));
    }
    use super::phone::Known;
    match super::phone::known(v) {
        Known::Valid | Known::UnknownRange { .. } => Ok(v.to_string()),
        Known::ImpossibleLength {
            national,
            possible,
            region,
        } => {
            let lengths: Vec<String> = possible.iter().map(u16::to_string).collect();
            Err(format!(
                "Numbers of {} have {} digits after the country code; this has {national}: check the digits.",
                region.unwrap_or_else(|| "this country code".into()),
                or_list(&lengths)
            ))
        }
        Known::UnknownCountryCode => {
            Err("Unknown country code; check the digits after the +.".into())
        }
    }
}

/// "7, 9 or 10"
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The warning for a number [`e164`] accepts but libphonenumber's metadata
/// does not know: it can still be sent.
pub fn e164_warning(value: &str) -> Option<String> {
    match super::phone::known(value.trim()) {
        super::phone::Known::UnknownRange { region } => Some(format!(
            "Not a known number range for {} (metadata of libphonenumber {}); it may be newer than the metadata. You can still send to it.",
            region.unwrap_or_else(|| "its country code".into()),
            super::phone::METADATA_VERSION
        )),
        _ => None,
    }
}

/// [`e164`] as a [`Validation`]: refused, warned about, or fine.
pub fn e164_check(value: &str) -> Validation {
    match e164(value) {
        Err(e) => Validation::Error(e),
        Ok(_) => e164_warning(value).map_or(Validation::Ok, Validation::Warn),
    }
}

/// A sender: an E.164 number, or an alphanumeric sender id (1 to 11 letters,
/// digits or spaces, at least one letter).
fn sender(value: &str) -> Validation {
    let looks_numeric = value
        .chars()
        .all(|c| c.is_ascii_digit() || "+ -().".contains(c));
    if looks_numeric {
        return e164_check(value);
    }
    let alnum = value.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ');
    if !alnum {
        return Validation::Error(
            "A sender id may only use letters, digits and spaces (or give a number in E.164 form)."
                .into(),
        );
    }
    if value.chars().count() > 11 {
        return Validation::Error(format!(
            "An alphanumeric sender id has at most 11 characters; this has {}.",
            value.chars().count()
        ));
    }
    Validation::Ok
}

/// A value with a control character (a carriage return pasted along, an
/// escape sequence) or a BiDi control is refused: it would reach a terminal,
/// a log or generated code.
fn control(value: &str) -> Option<Validation> {
    let c = value
        .chars()
        .find(|&c| c.is_control() || crate::sanitize::is_bidi(c))?;
    Some(Validation::Error(format!(
        "Remove the control character {} from the value (a carriage return or tab pasted along?).",
        c.escape_unicode()
    )))
}

/// An https URL. Plain http is accepted only for a loopback host, so that
/// credentials never travel unencrypted. No user name or password, no
/// fragment, no control character (the URL parser would strip some
/// silently).
pub(crate) fn https_url(value: &str, host_suffix: Option<&str>) -> Validation {
    if let Some(v) = control(value) {
        return v;
    }
    let parsed = match url::Url::parse(value) {
        Ok(u) => u,
        Err(_) if !value.contains("://") => {
            return Validation::Error(format!("Start with https://, e.g. https://{value}."));
        }
        Err(e) => return Validation::Error(format!("Not a URL ({e}).")),
    };
    let Some(host) = parsed.host_str() else {
        return Validation::Error("The URL has no host.".into());
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Validation::Error(
            "Leave the user name and password out of the URL: credentials are separate settings."
                .into(),
        );
    }
    if parsed.fragment().is_some() {
        return Validation::Error("Give the base URL only, without a #fragment.".into());
    }
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Validation::Error(
                "Use https: plain http is accepted only for a loopback address (127.0.0.1, ::1, localhost)."
                    .into(),
            );
        }
        other => return Validation::Error(format!("Use an https URL, not {other}.")),
    }
    if !matches!(parsed.path(), "" | "/") || parsed.query().is_some() {
        return Validation::Error("Give the base URL only, without a path or query.".into());
    }
    if parsed.as_str().contains(NOT_IN_CODE) {
        return Validation::Error(
            "The host has characters no API host has (quotes, backticks, $, spaces, <, >).".into(),
        );
    }
    match host_suffix {
        // A loopback test server: no warning about its host.
        _ if parsed.scheme() == "http" => Validation::Ok,
        Some(suffix) if !host.ends_with(suffix) => Validation::Warn(format!(
            "Usually a host ending in {suffix}; check the host is right."
        )),
        _ => Validation::Ok,
    }
}

/// Characters the URL parser lets into a host that are never written into
/// generated code (the code keeps the base URL in a JavaScript string).
pub(crate) const NOT_IN_CODE: [char; 8] = ['"', '\'', '\\', '`', '$', '<', '>', ' '];

/// Whether a URL host names this machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_accepts_valid_and_explains_the_rest() {
        assert_eq!(e164("+14155550100"), Ok("+14155550100".into()));
        assert_eq!(e164("+447911123456"), Ok("+447911123456".into()));
        assert!(e164("14155550100").unwrap_err().contains("+14155550100"));
        assert!(e164("0014155550100").unwrap_err().contains("00 as +"));
        assert!(
            e164("+1 415 555 0100")
                .unwrap_err()
                .contains("+14155550100")
        );
        assert!(e164("+1415").unwrap_err().contains("8 to 15"));
        assert!(e164("+1415abc0100").unwrap_err().contains("Only digits"));
        // Possible length, unknown range: accepted, with a warning.
        assert_eq!(e164("+10005550100"), Ok("+10005550100".into()));
        assert!(e164_warning("+10005550100").is_some());
        assert_eq!(e164_warning("+14155550100"), None);
        assert!(e164("").is_err());
    }

    #[test]
    fn https_url_rules() {
        let s = Some(".api.infobip.com");
        assert_eq!(https_url("https://abc.api.infobip.com", s), Validation::Ok);
        assert!(matches!(
            https_url("https://example.com", s),
            Validation::Warn(_)
        ));
        assert!(https_url("http://abc.api.infobip.com", s).is_error());
        assert_eq!(https_url("http://127.0.0.1:8080", s), Validation::Ok);
        assert_eq!(https_url("http://[::1]:8080", s), Validation::Ok);
        assert_eq!(https_url("http://localhost:1", s), Validation::Ok);
        assert!(https_url("abc.api.infobip.com", s).is_error());
        assert!(https_url("https://abc.api.infobip.com/sms/2", s).is_error());
        assert!(https_url("ftp://abc.api.infobip.com", s).is_error());
        assert!(https_url("https://api.twilio.com\r", None).is_error());
        assert!(https_url("https://user:pw@api.twilio.com", None).is_error());
        assert!(https_url("https://api.twilio.com#x", None).is_error());
        assert!(https_url("https://api.twilio.com/#", None).is_error());
        assert!(https_url("http://127.0.0.1?q=1", None).is_error());
        assert!(https_url("http://127.0.0.1:9/path", None).is_error());
    }

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("127.8.9.1"));
        assert!(is_loopback("[::1]"));
        assert!(is_loopback("LOCALHOST"));
        assert!(!is_loopback("10.0.0.1"));
        assert!(!is_loopback("localhost.example.com"));
    }
}
