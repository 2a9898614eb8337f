//! Phone numbers through libphonenumber (the `phonenumber` crate), with the
//! metadata of one country calling code at a time.
//!
//! The crate's own database syntax-checks every pattern of every region
//! when it loads, about 100 ms and 9 MiB: longer than a whole test send.
//! Here the same metadata file (libphonenumber's PhoneNumberMetadata.xml,
//! Apache-2.0, the version the crate is built from, in `assets/`) is cut to
//! the territories of the number's country code, loaded with the crate's
//! own loader and cached, with only what matching needs (see
//! `for_matching`). `tests/integration/phone.rs` checks that both agree.

use phonenumber::PhoneNumber;
use phonenumber::metadata::Database;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

const METADATA_XML: &str = include_str!("../../assets/PhoneNumberMetadata.xml");

/// Each country calling code's territories, as XML, found once.
fn territories() -> &'static HashMap<String, Vec<&'static str>> {
    static INDEX: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<String, Vec<&'static str>> = HashMap::new();
        let mut rest = METADATA_XML;
        while let Some(start) = rest.find("<territory ") {
            let tail = &rest[start..];
            let Some(end) = tail.find("</territory>") else {
                break;
            };
            let element = &tail[..end + "</territory>".len()];
            if let Some(code) = attribute(element, "countryCode") {
                index.entry(code.to_string()).or_default().push(element);
            }
            rest = &tail[end..];
        }
        index
    })
}

/// The value of `name="..."` in an element's start tag.
fn attribute<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let head = &element[..element.find('>')?];
    let key = format!(" {name}=\"");
    let at = head.find(&key)? + key.len();
    let len = head[at..].find('"')?;
    Some(&head[at..at + len])
}

/// A territory's `leadingDigits` pattern, compiled once (each frame of the
/// test step parses the number; compiling +1's two dozen patterns every
/// time cost a millisecond a frame). `None`: not a valid pattern.
fn leading(lead: &'static str) -> Option<regex::Regex> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<regex::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(lead)
        .or_insert_with(|| regex::Regex::new(&format!("^(?:{lead})")).ok())
        .clone()
}

/// The metadata for the number whose digits (after the +) are `digits`:
/// the territories of its country code that can hold it. A territory with
/// `leadingDigits` (Jamaica's 876 within +1, say) is kept only when the
/// number starts with them; libphonenumber would skip it otherwise too.
fn database_for(digits: &str) -> Option<Arc<Database>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Database>>>> = OnceLock::new();
    let index = territories();
    // Country codes are 1 to 3 digits and prefix-free.
    let code = (1..=3)
        .filter_map(|n| digits.get(..n))
        .find(|c| index.contains_key(*c))?;
    let national = &digits[code.len()..];
    let all = &index[code];
    // libphonenumber strips a national prefix written after the country
    // code (+7 8 700...: Kazakhstan's 700 with Russia's and Kazakhstan's
    // trunk prefix 8) before it matches the leading digits, so a territory
    // is kept when either form starts with them.
    let prefixes: Vec<&str> = all
        .iter()
        .filter_map(|t| attribute(t, "nationalPrefix"))
        .filter(|p| !p.is_empty())
        .collect();
    let starts = |re: &regex::Regex| {
        re.is_match(national)
            || prefixes
                .iter()
                .filter_map(|p| national.strip_prefix(p))
                .any(|rest| re.is_match(rest))
    };
    let kept: Vec<&str> = all
        .iter()
        .copied()
        .filter(|t| {
            all.len() == 1
                || match attribute(t, "leadingDigits") {
                    Some(lead) => {
                        t.contains(" mainCountryForCode=\"true\"")
                            || leading(lead).is_none_or(|re| starts(&re))
                    }
                    None => true,
                }
        })
        .collect();
    // Non-geographic codes (800, 870, ...) all use the id "001": key by code too.
    let ids: Vec<&str> = kept.iter().filter_map(|t| attribute(t, "id")).collect();
    let key = format!("{code}:{}", ids.join(","));
    let cache = CACHE.get_or_init(Default::default);
    if let Some(db) = cache.lock().ok()?.get(&key) {
        return Some(Arc::clone(db));
    }
    let xml = format!(
        "<phoneNumberMetadata><territories>{}</territories></phoneNumberMetadata>",
        for_matching(&kept.concat())
    );
    let db = Arc::new(Database::parse(&xml).ok()?);
    cache.lock().ok()?.insert(key, Arc::clone(&db));
    Some(db)
}

/// The territories' XML as `Database::parse` needs it here, which is most
/// of a test send's time (`valgrind --tool=callgrind`: the crate checks
/// every pattern's syntax when it loads and compiles each on first use):
///
/// - without `<availableFormats>` (how to lay a number out): only the
///   crate's formatter reads them, and only the crate's full database is
///   ever formatted (see `parse`);
/// - with `\d` written as `[0-9]`. The regex crate's `\d` is Unicode's
///   decimal digits (`\p{Nd}`, dozens of ranges: the regex crate's syntax
///   docs), compiled into a large automaton in every pattern, while the
///   crate matches only ASCII digits: its parser turns every digit into
///   ASCII before matching (`parser/helper.rs`, `normalize`), and the
///   national number is matched as the decimal digits of an integer. The
///   metadata has `\d` only outside brackets (a unit test checks), so
///   `[0-9]` is a class of its own wherever it lands;
/// - with the layout taken out of each `<nationalNumberPattern>`: the XML
///   indents the long patterns over many lines. The crate compiles them
///   ignoring whitespace, but checks their syntax first without that flag
///   (regex-cache's `CachedRegexBuilder::build`), over every space as a
///   literal: three quarters of the UK's pattern text. The metadata has no
///   escape but `\d`, no whitespace inside a bracket class and no `#`
///   comment in a pattern (a unit test checks), so no whitespace there
///   means anything.
fn for_matching(territories: &str) -> String {
    let kept = each_element(territories, "availableFormats", |_| String::new());
    each_element(
        &kept.replace("\\d", "[0-9]"),
        "nationalNumberPattern",
        |element| element.chars().filter(|c| !c.is_whitespace()).collect(),
    )
}

/// `xml` with each `<name>...</name>` element, tags included, replaced by
/// what `f` makes of it. An element left open is kept as it is.
fn each_element(xml: &str, name: &str, f: impl Fn(&str) -> String) -> String {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let Some(len) = rest[start..].find(&close) else {
            break;
        };
        let end = start + len + close.len();
        out.push_str(&rest[..start]);
        out.push_str(&f(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Parse a number in international form (`+` and digits) and say whether
/// libphonenumber considers it valid. `None`: the country code is unknown.
///
/// Only the `*_with` functions of the crate may be used on the result:
/// the others (`Display`, `format()`, `country().id()`) load the crate's
/// full database.
pub fn parse(e164: &str) -> Option<(PhoneNumber, bool)> {
    let digits = e164.strip_prefix('+')?;
    let db = database_for(digits)?;
    let n = phonenumber::parse_with(&db, None, e164).ok()?;
    let valid = phonenumber::is_valid_with(&db, &n);
    Some((n, valid))
}

/// The region a number belongs to, e.g. "US", "GB". `None` for the
/// non-geographic codes (+800 freephone, +881 satellite, ...), which
/// libphonenumber files under the id "001", not a country; the crate's own
/// `country().id()` says `None` for them too.
pub fn region(e164: &str) -> Option<String> {
    let db = database_for(e164.strip_prefix('+')?)?;
    let n = phonenumber::parse_with(&db, None, e164).ok()?;
    n.metadata(&db)
        .map(|m| m.id().to_string())
        .filter(|id| id != "001")
}

/// The libphonenumber metadata release the `phonenumber` crate (and
/// `assets/PhoneNumberMetadata.xml`) carries: the crate's version is
/// `0.3.10+9.0.33`. `tests/phone.rs` checks it against Cargo.lock.
pub const METADATA_VERSION: &str = "9.0.33";

/// What libphonenumber's metadata says about a number in `+digits` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Known {
    /// In a number range the metadata knows.
    Valid,
    /// A possible length for its country code, in a range the metadata does
    /// not know (it lags real allocations): worth a warning, not a refusal.
    UnknownRange { region: Option<String> },
    /// No number of its country code has this many digits.
    ImpossibleLength {
        national: usize,
        possible: Vec<u16>,
        region: Option<String>,
    },
    /// No country has this calling code.
    UnknownCountryCode,
}

/// Judge a number in `+digits` form against the metadata.
pub(crate) fn known(e164: &str) -> Known {
    let Some(digits) = e164.strip_prefix('+') else {
        return Known::UnknownCountryCode;
    };
    let Some(db) = database_for(digits) else {
        return Known::UnknownCountryCode;
    };
    let Ok(n) = phonenumber::parse_with(&db, None, e164) else {
        return Known::UnknownCountryCode;
    };
    let code = n.country().code();
    // The number's territory, else its code's main country ("GB" for +44).
    let region = n
        .metadata(&db)
        .or_else(|| {
            let all = db.by_code(&code).unwrap_or_default();
            let main = all.iter().find(|m| m.is_main_country_for_code()).copied();
            main.or_else(|| (all.len() == 1).then(|| all[0]))
        })
        .map(|m| m.id().to_string())
        .filter(|id| id != "001");
    if phonenumber::is_valid_with(&db, &n) {
        return Known::Valid;
    }
    let national = digits.len().saturating_sub(code.to_string().len());
    // Every length a number of this country code can have, in any of its
    // territories and types.
    let mut possible: Vec<u16> = Vec::new();
    for m in db.by_code(&code).unwrap_or_default() {
        let d = m.descriptors();
        let mut lengths: Vec<u16> = d.general().possible_length().to_vec();
        for t in [
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        {
            lengths.extend_from_slice(t.possible_length());
        }
        possible.extend(lengths);
    }
    possible.sort_unstable();
    possible.dedup();
    if possible.is_empty() || possible.contains(&(national as u16)) {
        Known::UnknownRange { region }
    } else {
        Known::ImpossibleLength {
            national,
            possible,
            region,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_left_out_and_digits_are_ascii() {
        let territory = |id: &str| {
            format!(
                "<territory id=\"{id}\"><availableFormats><numberFormat pattern=\"(\\d{{2}})\"><format>$1</format></numberFormat></availableFormats><mobile><nationalNumberPattern>7\\d{{9}}</nationalNumberPattern></mobile></territory>"
            )
        };
        let expected = |id: &str| {
            format!(
                "<territory id=\"{id}\"><mobile><nationalNumberPattern>7[0-9]{{9}}</nationalNumberPattern></mobile></territory>"
            )
        };
        assert_eq!(for_matching(&territory("GB")), expected("GB"));
        // The layout of a pattern goes; text outside patterns stays.
        assert_eq!(
            for_matching(
                "<mobile>\n <nationalNumberPattern>\n  7(?:\n   [1-5]\\d\n  )\n </nationalNumberPattern> </mobile>"
            ),
            "<mobile>\n <nationalNumberPattern>7(?:[1-5][0-9])</nationalNumberPattern> </mobile>"
        );
        assert_eq!(
            for_matching(&(territory("GB") + &territory("GG"))),
            expected("GB") + &expected("GG")
        );
        // An unclosed element is not cut (the crate's loader refuses it).
        assert_eq!(
            for_matching("<availableFormats>\\d"),
            "<availableFormats>[0-9]"
        );
    }

    /// `[0-9]` in place of `\d` is right only outside a bracketed class,
    /// and whitespace is layout only where no class, escape or `#` comment
    /// holds it: so in this metadata (a newer release might differ).
    #[test]
    fn the_metadata_patterns_are_safe_to_rewrite() {
        let mut inside = false;
        let mut escapes = 0;
        let mut chars = METADATA_XML.chars();
        while let Some(c) = chars.next() {
            match c {
                '[' => inside = true,
                ']' => inside = false,
                '\\' => {
                    let next = chars.next();
                    assert_eq!(next, Some('d'), "only \\d is escaped");
                    assert!(!inside, "a \\d inside a class");
                    escapes += 1;
                }
                _ => {}
            }
        }
        assert!(escapes > 1000, "{escapes} escapes: the metadata is there");
        let patterns: Vec<&str> = METADATA_XML
            .split("<nationalNumberPattern>")
            .skip(1)
            .filter_map(|tail| tail.split_once("</nationalNumberPattern>"))
            .map(|(pattern, _)| pattern)
            .collect();
        assert!(patterns.len() > 1000, "{} patterns", patterns.len());
        for pattern in patterns {
            assert!(!pattern.contains('#'), "a comment in {pattern}");
            let mut inside = false;
            for c in pattern.chars() {
                match c {
                    '[' => inside = true,
                    ']' => inside = false,
                    c if c.is_whitespace() => assert!(!inside, "a space in a class: {pattern}"),
                    _ => {}
                }
            }
        }
    }

    /// Both changes together leave libphonenumber's answers as they were:
    /// the full agreement with the crate's own database (every number of a
    /// random sample) is `tests/integration/phone.rs`.
    #[test]
    fn the_cut_database_still_tells_mobiles_from_impossible_numbers() {
        // A UK mobile, and the UK's drama range (Ofcom: 07700 900000 to
        // 900999, never allocated).
        assert!(parse("+447911123456").unwrap().1);
        assert!(!parse("+447700900123").unwrap().1);
        assert_eq!(known("+447911123456"), Known::Valid);
        assert!(matches!(
            known("+4479111234"),
            Known::ImpossibleLength { national: 8, .. }
        ));
    }
}
