//! Word wrapping with a hanging indent, and boxes that scroll what does not
//! fit. Wrapping here (not in ratatui's `Paragraph`) makes the number of
//! rows exact, so a box knows whether it shows everything and can say
//! "more ↓" when it does not.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The markers after which a wrapped line continues (a hanging indent):
/// "! warning…" continues under "warning", not under "!".
const MARKERS: [&str; 8] = ["! ", "✗ ", "✓ ", "- ", "– ", "• ", "? ", "▸ "];

fn width_of(s: &str) -> usize {
    Span::raw(s).width()
}

/// How far the continuation rows of `line` are indented: its leading
/// spaces, plus a marker, or a bold label ("Fix: ") when it is short.
fn hanging(line: &Line) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let lead = text.len() - text.trim_start_matches(' ').len();
    let rest = &text[lead..];
    let marker = MARKERS
        .iter()
        .find(|m| rest.starts_with(*m))
        .map_or(0, |m| width_of(m));
    // A numbered item ("3. ") continues under its text too.
    let after = &rest[rest
        .char_indices()
        .nth(if marker > 0 { 2 } else { 0 })
        .map_or(rest.len(), |(i, _)| i)..];
    let digits = after.chars().take_while(char::is_ascii_digit).count();
    let number = if digits > 0 && after[digits..].starts_with(". ") {
        digits + 2
    } else {
        0
    };
    lead + marker + number
}

/// Wrap `lines` at `width` columns, word by word; a word longer than a row
/// is broken. Styles are kept; continuation rows get a hanging indent.
pub(crate) fn wrap(lines: &[Line<'static>], width: u16) -> Vec<Line<'static>> {
    let width = (width as usize).max(1);
    let mut out = Vec::new();
    for line in lines {
        if line.width() <= width {
            out.push(line.clone());
            continue;
        }
        let indent = hanging(line).min(width / 2);
        // Words with their style, and whether a space came before each.
        let mut words: Vec<(String, Style, bool)> = Vec::new();
        let mut space_before = false;
        for span in &line.spans {
            let style = line.style.patch(span.style);
            let mut word = String::new();
            for c in span.content.chars() {
                if c == ' ' {
                    if !word.is_empty() {
                        words.push((std::mem::take(&mut word), style, space_before));
                    }
                    space_before = true;
                } else {
                    word.push(c);
                }
            }
            if !word.is_empty() {
                words.push((word, style, space_before));
                space_before = false;
            }
        }
        let lead: String = line
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect::<String>()
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        let mut row: Vec<Span<'static>> = Vec::new();
        let mut used = 0;
        if !lead.is_empty() {
            used = width_of(&lead).min(width);
            row.push(Span::raw(lead.clone()));
        }
        let mut row_start = used;
        let flush = |row: &mut Vec<Span<'static>>, out: &mut Vec<Line<'static>>| {
            out.push(Line::from(std::mem::take(row)));
        };
        for (word, style, space) in words {
            let w = width_of(&word);
            let mut gap = usize::from(space && used > row_start);
            if used + gap + w > width && used > row_start {
                flush(&mut row, &mut out);
                row.push(Span::raw(" ".repeat(indent)));
                used = indent;
                row_start = indent;
                gap = 0;
            }
            if gap == 1 {
                row.push(Span::styled(" ", style));
                used += 1;
            }
            if used + w <= width {
                row.push(Span::styled(word, style));
                used += w;
                continue;
            }
            // Longer than a row: break it.
            let mut part = String::new();
            for c in word.chars() {
                let cw = width_of(&c.to_string());
                if used + cw > width && used > row_start {
                    row.push(Span::styled(std::mem::take(&mut part), style));
                    flush(&mut row, &mut out);
                    row.push(Span::raw(" ".repeat(indent)));
                    used = indent;
                    row_start = indent;
                }
                part.push(c);
                used += cw;
            }
            row.push(Span::styled(part, style));
        }
        flush(&mut row, &mut out);
    }
    out
}
