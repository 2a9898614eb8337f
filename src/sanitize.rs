//! Text from outside (a provider's or the tenant's answers, a setting typed
//! by someone) on its way to a terminal or the log: control characters and
//! BiDi controls are shown as visible escapes (`\u{1b}`, `\u{202e}`), so an
//! answer cannot rename the window, clear the screen, hide a link or
//! reorder a line. Newline and tab stay (layout needs them).
//!
//! [`Sanitized`] wraps a writer, so every byte a headless command prints
//! passes here: no printer can forget it. For JSON it writes JSON's own
//! `\uXXXX` escapes instead (serde escapes C0 controls but lets C1 controls
//! and BiDi controls through raw), so the JSON stays exact: it parses to the
//! same strings.

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls but
/// newline and tab, DEL, and the BiDi embeddings, overrides, isolates and
/// marks.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi(c)
}

/// The BiDi controls that reorder text: LRM, RLM, ALM, the embeddings and
/// overrides (U+202A..U+202E) and the isolates (U+2066..U+2069).
pub(crate) fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `s` has any character a setting may not hold: every control
/// character (newline and tab included) and the BiDi controls.
pub(crate) fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || is_bidi(c))
}

/// `s` with every unsafe character written as a visible `\u{..}` escape.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push(&mut out, c);
    }
    Cow::Owned(out)
}

/// The same on one line: newlines and tabs escaped too (for a value shown
/// inside a sentence).
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() || is_bidi(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\n' || c == '\t' {
            out.extend(c.escape_unicode());
        } else {
            push(&mut out, c);
        }
    }
    Cow::Owned(out)
}

fn push(out: &mut String, c: char) {
    if is_unsafe(c) {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
}

/// A writer that passes text through [`sanitize`]. Bytes that are not
/// UTF-8 become U+FFFD; a character split across two writes is kept until
/// its last byte comes.
pub struct Sanitized<W: Write> {
    inner: W,
    /// The start of a character whose other bytes have not come yet.
    pending: Vec<u8>,
    /// Let SGR sequences (`ESC [ digits ; ... m`: colours, bold) through:
    /// for the doctor's own colours, whose text is sanitized before it is
    /// painted.
    allow_sgr: bool,
    /// Escape as JSON does (`\u202e`), for JSON output.
    json: bool,
}

impl<W: Write> Sanitized<W> {
    pub fn new(inner: W) -> Sanitized<W> {
        Sanitized {
            inner,
            pending: Vec::new(),
            allow_sgr: false,
            json: false,
        }
    }

    /// For JSON text: every unsafe character written as a JSON `\uXXXX`
    /// escape (they are all in the BMP), which parses back to itself.
    pub fn json(inner: W) -> Sanitized<W> {
        Sanitized {
            json: true,
            ..Sanitized::new(inner)
        }
    }

    /// The same, letting colour (SGR) sequences through.
    pub fn allowing_colour(inner: W) -> Sanitized<W> {
        Sanitized {
            allow_sgr: true,
            ..Sanitized::new(inner)
        }
    }

    fn emit(&mut self, text: &str) -> io::Result<()> {
        if self.json {
            if !text.chars().any(is_unsafe) {
                return self.inner.write_all(text.as_bytes());
            }
            let mut out = String::with_capacity(text.len() + 8);
            for c in text.chars() {
                if is_unsafe(c) {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push(c);
                }
            }
            return self.inner.write_all(out.as_bytes());
        }
        if !self.allow_sgr {
            return self.inner.write_all(sanitize(text).as_bytes());
        }
        let mut rest = text;
        while let Some(i) = rest.find('\x1b') {
            self.inner.write_all(sanitize(&rest[..i]).as_bytes())?;
            let after = &rest[i + 1..];
            let sgr = after.strip_prefix('[').and_then(|p| {
                let end = p.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
                (p[end..].starts_with('m')).then_some(end + 2)
            });
            match sgr {
                Some(n) => {
                    self.inner.write_all(&rest.as_bytes()[i..i + 1 + n])?;
                    rest = &after[n..];
                }
                None => {
                    self.inner.write_all(b"\\u{1b}")?;
                    rest = after;
                }
            }
        }
        self.inner.write_all(sanitize(rest).as_bytes())
    }
}

impl<W: Write> Write for Sanitized<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        let mut at = 0;
        while at < bytes.len() {
            match std::str::from_utf8(&bytes[at..]) {
                Ok(text) => {
                    let text = text.to_string();
                    self.emit(&text)?;
                    at = bytes.len();
                }
                Err(e) => {
                    let good = at + e.valid_up_to();
                    let text = std::str::from_utf8(&bytes[at..good])
                        .expect("checked")
                        .to_string();
                    self.emit(&text)?;
                    match e.error_len() {
                        Some(n) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            at = good + n;
                        }
                        None => {
                            // An incomplete character at the end: wait for the rest.
                            self.pending = bytes[good..].to_vec();
                            at = bytes.len();
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(sanitize("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(sanitize("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(sanitize("x\u{202e}y\u{2066}"), "x\\u{202e}y\\u{2066}");
        assert_eq!(sanitize("c1\u{9b}2J"), "c1\\u{9b}2J");
        assert_eq!(sanitize("cr\r"), "cr\\u{d}");
        assert_eq!(one_line("a\nb"), "a\\u{a}b");
        assert!(has_control("https://api.twilio.com\r"));
        assert!(!has_control("https://api.twilio.com"));
    }

    #[test]
    fn the_writer_sanitizes_split_characters_and_bad_bytes() {
        let mut w = Sanitized::new(Vec::new());
        let s = "é\u{202e}";
        let b = s.as_bytes();
        w.write_all(&b[..1]).unwrap();
        w.write_all(&b[1..3]).unwrap();
        w.write_all(&b[3..]).unwrap();
        w.write_all(b"\x1b[2J\xff\n").unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "é\\u{202e}\\u{1b}[2J\u{fffd}\n"
        );
    }

    #[test]
    fn json_stays_exact() {
        let value = "a\u{1b}[2J\u{202e}\u{9b}b";
        let mut w = Sanitized::json(Vec::new());
        serde_json::to_writer(&mut w, &value).unwrap();
        let text = String::from_utf8(w.inner).unwrap();
        assert!(!text.chars().any(is_unsafe), "{text:?}");
        assert_eq!(serde_json::from_str::<String>(&text).unwrap(), value);
    }

    #[test]
    fn colour_is_let_through_only_when_asked_and_only_sgr() {
        let mut w = Sanitized::allowing_colour(Vec::new());
        w.write_all(b"\x1b[1;31mred\x1b[0m \x1b]8;;http://x\x07link\x1b[2J")
            .unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "\x1b[1;31mred\x1b[0m \\u{1b}]8;;http://x\\u{7}link\\u{1b}[2J"
        );
    }
}
