//! Delivery records: what a provider says happened to the messages it
//! accepted, read back through its API (`sms-mfa trace`, the checklist's
//! recent-deliveries check). Pure: the types, the mapping of a provider's
//! status and error code through the catalog, and the time stamps.
//!
//! Each client reads its own list endpoint (see `clients/*.rs`); this file
//! only knows what a record is and what its code means.

use super::outcome::{ErrorClass, KnownError};
use serde::Serialize;

/// How many records one look reads at most, whatever is asked.
pub(crate) const MAX_RECORDS: usize = 1000;
/// How many records a look reads when not told.
pub(crate) const DEFAULT_RECORDS: usize = 200;
/// How many records one request asks for.
pub(crate) const PAGE_SIZE: usize = 100;

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Delivered,
    /// Accepted, on its way: no final status yet.
    Pending,
    /// Undelivered, failed, expired, rejected.
    Failed,
}

/// One message as the provider recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// The provider's catalog id.
    pub(crate) provider: String,
    /// The provider's message id (SM…, VL…, a GUID).
    pub id: String,
    /// The recipient in E.164, with the plus.
    pub(crate) to: String,
    /// When the provider took it, seconds since the UNIX epoch.
    pub at: i64,
    /// The provider's own status word (`undelivered`, `EXPIRED_EXPIRED`).
    pub(crate) status: String,
    pub state: State,
    /// The provider's error code, as the catalog keys it (`30007`,
    /// `error 6`, `status Failed`).
    pub code: Option<String>,
    /// The provider's own text about it, kept as it came.
    pub message: Option<String>,
    /// The catalog's reading of the code.
    pub class: Option<ErrorClass>,
    pub meaning: Option<String>,
    /// What a person can do about it.
    pub fix: Option<String>,
}

impl Record {
    /// A record with the code read through the provider's known errors.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn mapped(
        known: &[KnownError],
        provider: &str,
        id: String,
        to: String,
        at: i64,
        status: String,
        state: State,
        code: Option<String>,
        message: Option<String>,
    ) -> Record {
        let (class, meaning, fix) = map_code(known, state, code.as_deref());
        Record {
            provider: provider.to_string(),
            id,
            to,
            at,
            status,
            state,
            code,
            message,
            class,
            meaning,
            fix,
        }
    }
}

/// A code through the catalog: its class, meaning and fix. A failed
/// message whose code the catalog does not know still gets a class
/// (`rejected`) and that class's hint, never silence.
pub(crate) fn map_code(
    known: &[KnownError],
    state: State,
    code: Option<&str>,
) -> (Option<ErrorClass>, Option<String>, Option<String>) {
    match code.and_then(|c| known.iter().find(|k| k.code == c)) {
        Some(k) => (
            Some(k.class),
            Some(k.meaning.clone()),
            Some(k.fix().to_string()),
        ),
        None if state == State::Failed => (
            Some(ErrorClass::Rejected),
            None,
            Some(
                "The provider's own text below says why; its console's message log has the details."
                    .into(),
            ),
        ),
        None => (None, None, None),
    }
}

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// One recipient (E.164 with the plus), or every recipient.
    pub to: Option<String>,
    /// Records from this time on (seconds since the UNIX epoch).
    pub since: i64,
    /// At most this many records (capped at [`MAX_RECORDS`]).
    pub limit: usize,
}

impl Query {
    pub(crate) fn limit(&self) -> usize {
        self.limit.clamp(1, MAX_RECORDS)
    }

    /// Whether a record's recipient is the one asked for (digits compared:
    /// providers write numbers with or without the plus).
    pub(crate) fn wants(&self, to: &str) -> bool {
        self.to.as_deref().is_none_or(|t| digits(t) == digits(to))
    }
}

/// What a look found: the records, newest first, and whether more were
/// left unread at the limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Records {
    pub records: Vec<Record>,
    pub truncated: bool,
}

/// Why the records cannot be read: said plainly, never pretended away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CannotLook {
    pub provider: String,
    pub reason: String,
    /// What to do so that it can.
    pub fix: String,
}

/// The digits of a number.
pub(crate) fn digits(n: &str) -> String {
    n.chars().filter(char::is_ascii_digit).collect()
}

/// `+` and the digits: E.164 from a number written with or without the plus.
pub(crate) fn plus(n: &str) -> String {
    format!("+{}", digits(n))
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (the inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2026-11-23T09:50:00Z`.
pub fn rfc3339(t: i64) -> String {
    let (y, mo, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `2026-11-23`: the day of a time (Twilio's `DateSent>` filter).
pub fn day(t: i64) -> String {
    rfc3339(t)[..10].to_string()
}

/// `09:50:00`.
pub(crate) fn clock(t: i64) -> String {
    rfc3339(t)[11..19].to_string()
}

/// An ISO 8601 / RFC 3339 time (`2026-11-23T09:50:00.000Z`,
/// `2019-08-24T14:15:22.000+0000`, `2026-11-23 09:50:00`): seconds since
/// the epoch. Fractions are dropped; an offset is applied.
pub fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |a: usize, b: usize| s.get(a..b)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if s.get(4..5) != Some("-") || s.get(7..8) != Some("-") {
        return None;
    }
    let (h, mi, sec) = if s.len() >= 19 {
        (num(11, 13)?, num(14, 16)?, num(17, 19)?)
    } else {
        (0, 0, 0)
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = s.get(19..).unwrap_or("");
    if let Some(r) = rest.strip_prefix('.') {
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        r if r.starts_with('+') || r.starts_with('-') => {
            let sign = if r.starts_with('-') { -1 } else { 1 };
            let digits: String = r[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 {
                return None;
            }
            let oh: i64 = digits[..2].parse().ok()?;
            let om: i64 = digits[2..].parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// An RFC 2822 time as Twilio writes it: `Thu, 30 Jul 2015 20:12:31 +0000`.
pub(crate) fn parse_rfc2822(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s.split_once(", ").map_or(s, |(_, r)| r);
    let mut parts = s.split_whitespace();
    let d: i64 = parts.next()?.parse().ok()?;
    let mo = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let y: i64 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    let zone = parts.next().unwrap_or("+0000");
    let iso = format!("{y:04}-{mo:02}-{d:02}T{time}{zone}");
    parse_iso(&iso)
}

/// Any of the two.
pub(crate) fn parse_time(s: &str) -> Option<i64> {
    parse_iso(s).or_else(|| parse_rfc2822(s))
}

/// The current time, seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `30m`, `2h`, `1d`, `90s`, `1h30m`: a duration in seconds.
pub(crate) fn parse_duration(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = 0i64;
    let mut n = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            n.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(format!("{s:?}: use a number and a unit: 30m, 2h, 1d")),
        };
        let v: i64 = n
            .parse()
            .map_err(|_| format!("{s:?}: a unit needs a number before it (30m, 2h, 1d)"))?;
        total = total.saturating_add(v.saturating_mul(unit));
        n.clear();
    }
    if !n.is_empty() {
        return Err(format!("{s:?}: give a unit (s, m, h or d), e.g. 30m"));
    }
    if total <= 0 {
        return Err(format!("{s:?}: the duration must be more than zero"));
    }
    Ok(total.min(30 * 86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        let t = parse_iso("2026-11-23T09:50:00.000Z").unwrap();
        assert_eq!(rfc3339(t), "2026-11-23T09:50:00Z");
        assert_eq!(
            parse_iso("2019-08-24T14:15:22.000+0100"),
            parse_iso("2019-08-24T13:15:22Z")
        );
        assert_eq!(
            parse_rfc2822("Thu, 30 Jul 2015 20:12:31 +0000"),
            parse_iso("2015-07-30T20:12:31Z")
        );
        assert_eq!(parse_iso("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso("nonsense"), None);
        assert_eq!(day(t), "2026-11-23");
        assert_eq!(clock(t), "09:50:00");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("2d"), Ok(172_800));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("0s").is_err());
    }
}
