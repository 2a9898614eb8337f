//! Small pieces shared by the screens.

use super::keys::{self, Binding};
use super::wrap;
use crate::wizard::{FieldState, Level, Mark, Notice, Step, TextField, Wizard};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Position, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

pub(crate) const ACCENT: Color = Color::Cyan;
pub(crate) const OK: Color = Color::Green;
pub(crate) const WARN: Color = Color::Yellow;
pub(crate) const BAD: Color = Color::Red;
/// The widest a one-line input is drawn.
pub(crate) const INPUT_WIDTH: u16 = 64;
pub(crate) const DIM: Style = Style::new().fg(Color::DarkGray);

pub(crate) fn too_small(frame: &mut Frame, area: Rect, w: u16, h: u16) {
    let text = format!(
        "Enlarge the terminal (needs {w}x{h}, now {}x{}). Ctrl-C quits.",
        area.width, area.height
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

pub(crate) fn header(frame: &mut Frame, area: Rect, w: &Wizard) {
    let position = match w.step.number() {
        Some(n) => format!("Step {n} of {}", Step::COUNT),
        None => "Finished".to_string(),
    };
    let mut title = vec![
        Span::styled(" sms-mfa ", Style::new().bold().fg(Color::Black).bg(ACCENT)),
        Span::raw(" "),
    ];
    if w.sandbox.is_some() {
        title.push(Span::styled(
            " SANDBOX ",
            Style::new().bold().fg(Color::Black).bg(WARN),
        ));
        title.push(Span::raw(" "));
    }
    title.extend([
        Span::styled(position, Style::new().bold()),
        Span::raw(" · "),
        Span::styled(w.step.title(), Style::new().bold()),
    ]);
    let title_width: usize = title.iter().map(Span::width).sum();
    let profile = format!("profile {} ", w.profile_name);
    let room = (area.width as usize).saturating_sub(title_width);
    if let Some(from) = w.checklist_return {
        // Less chrome first: the profile name goes before this note.
        let note = match from.number() {
            Some(n) => format!("  (opened from step {n})"),
            None => "  (opened from Done)".to_string(),
        };
        if note.chars().count() <= room {
            title.push(Span::styled(note, DIM));
        }
    }
    let used: usize = title.iter().map(Span::width).sum();
    let show_profile = used + 2 + profile.chars().count() <= area.width as usize;
    let mut crumbs = vec![Span::raw(" ")];
    for (i, step) in Step::ALL.iter().take(Step::COUNT).enumerate() {
        if i > 0 {
            crumbs.push(Span::styled(" › ", DIM));
        }
        let (mark, style) = match w.step_mark(*step) {
            Mark::Current => ("●", Style::new().fg(ACCENT).bold()),
            Mark::Done => ("✓", Style::new().fg(OK)),
            Mark::Failed => ("✗", Style::new().fg(BAD)),
            Mark::Skipped => ("–", Style::new().fg(WARN)),
            Mark::Pending => ("○", DIM),
        };
        crumbs.push(Span::styled(format!("{mark} {}", step.short()), style));
    }
    let rows = area.height.min(3);
    let top = Rect { height: 1, ..area };
    frame.render_widget(Line::from(title), top);
    if show_profile {
        frame.render_widget(Line::styled(profile, DIM).alignment(Alignment::Right), top);
    }
    if rows < 2 {
        return;
    }
    let mid = Rect {
        y: area.y + 1,
        height: 1,
        ..area
    };
    let crumbs_width: usize = crumbs.iter().map(Span::width).sum();
    frame.render_widget(Line::from(crumbs), mid);
    if let Some(s) = &w.sandbox {
        let label = format!("simulated: scenario {} ", s.scenario);
        if crumbs_width + 2 + label.chars().count() <= mid.width as usize {
            frame.render_widget(
                Line::styled(label, Style::new().fg(WARN)).alignment(Alignment::Right),
                mid,
            );
        }
    }
}

/// The sandbox's panel under every screen: the simulated phone's inbox
/// (and, on step 2, the sandbox account's settings to type).
pub(crate) fn sandbox_panel(frame: &mut Frame, area: Rect, w: &Wizard) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(Style::new().fg(WARN))
        .title(Line::styled(" Sandbox inbox ", Style::new().fg(WARN)));
    let inner = block.inner(area);
    let lines = sandbox_fit(w, inner.width, inner.height);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The sandbox panel's lines, wrapped, in at most `rows` rows: an empty
/// inbox's line is the first thing to go.
fn sandbox_fit(w: &Wizard, width: u16, rows: u16) -> Vec<Line<'static>> {
    let mut lines = sandbox_lines(w);
    let empty = w.sandbox.as_ref().is_some_and(|s| s.inbox.is_empty());
    if empty && rows_for(&lines, width) > rows && lines.len() > 1 {
        lines.pop();
    }
    let memory = w.sandbox.as_ref().is_some_and(|s| s.memory_only.is_some());
    if memory && rows_for(&lines, width) > rows && w.step == crate::wizard::Step::Secrets {
        // (step 2's own first line says where the secrets go)
        lines.retain(|l| {
            !l.spans
                .iter()
                .any(|s| s.content.starts_with("No OS keyring here"))
        });
    }
    let wrapped = wrap::wrap(&lines, width);
    if w.step == crate::wizard::Step::Secrets || wrapped.len() <= rows as usize {
        // (step 2: the account to type comes first)
        return wrapped;
    }
    // Short: the newest message (the last line) is what matters, from its
    // start (who it went to).
    let newest = lines.last().cloned().into_iter().collect::<Vec<_>>();
    wrap::wrap(&newest, width)
        .into_iter()
        .take(rows as usize)
        .collect()
}

/// How many rows the sandbox panel needs at `width` (its title included),
/// given at most `max`.
pub(crate) fn sandbox_panel_height(w: &Wizard, width: u16, max: u16) -> u16 {
    (1 + sandbox_fit(w, width, max.saturating_sub(1)).len() as u16).min(max)
}

/// What the sandbox panel says.
fn sandbox_lines(w: &Wizard) -> Vec<Line<'static>> {
    let Some(s) = &w.sandbox else {
        return Vec::new();
    };
    let mut lines: Vec<Line> = Vec::new();
    let provider = w.provider();
    if w.step == crate::wizard::Step::Secrets
        && let Some(p) = provider
    {
        let creds = s.accounts.get(&p.id).map(Vec::as_slice).unwrap_or_default();
        let text: Vec<String> = creds.iter().map(|(n, v)| format!("{n} {v}")).collect();
        lines.push(Line::from(vec![
            Span::styled("Sandbox account: ", Style::new().bold()),
            Span::raw(text.join("  ")),
        ]));
    }
    if s.memory_only.is_some() {
        lines.push(Line::styled(
            "No OS keyring here: secrets are kept in memory and gone when you quit.",
            Style::new().fg(WARN),
        ));
    }
    match s.inbox.last() {
        Some(d) => lines.push(Line::from(vec![
            Span::styled(format!("{} ", d.to), Style::new().bold()),
            Span::styled(format!("from {} via {}: ", d.from, d.provider), DIM),
            Span::raw(d.text.clone()),
            Span::styled(
                if s.inbox.len() > 1 {
                    format!("  ({} messages)", s.inbox.len())
                } else {
                    String::new()
                },
                DIM,
            ),
        ])),
        None => lines.push(Line::styled(
            "Empty: what a simulated provider accepts arrives here; nothing leaves this machine.",
            DIM,
        )),
    }
    lines
}

pub(crate) fn notice(frame: &mut Frame, area: Rect, notice: Option<&Notice>) {
    let Some(n) = notice else { return };
    let (mark, color) = match n.level {
        Level::Info => ("i", ACCENT),
        Level::Warn => ("!", WARN),
        Level::Error => ("✗", BAD),
    };
    let [mark_area, text_area] =
        Layout::horizontal([Constraint::Length(3), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Span::styled(format!(" {mark} "), Style::new().fg(color).bold()),
        mark_area,
    );
    let lines = wrap::wrap(
        &[Line::styled(n.text.clone(), Style::new().fg(color))],
        text_area.width,
    );
    frame.render_widget(Paragraph::new(lines), text_area);
}

/// How many rows a notice needs at `width` columns.
pub(crate) fn notice_rows(n: &Notice, width: u16) -> u16 {
    rows_for(&[Line::raw(n.text.clone())], width.saturating_sub(3))
}

pub(crate) fn footer(frame: &mut Frame, area: Rect, bindings: &[Binding]) {
    let (line, _) = footer_line(bindings, area.width);
    frame.render_widget(line, area);
}

/// The footer: the keys of the table that fit, in the table's order (most
/// important first); help and quit always. When a key does not fit, help
/// says "more keys" (the help lists every key). Also returns the bindings
/// shown.
pub fn footer_line(bindings: &[Binding], width: u16) -> (Line<'static>, Vec<Binding>) {
    let (main, fixed) = bindings.split_at(bindings.len().saturating_sub(2));
    let fixed: Vec<Binding> = fixed.iter().filter(|k| k.footer).cloned().collect();
    let cost = |k: &Binding| k.keys.chars().count() + k.action.chars().count() + 3;
    let more = ", more keys";
    let all: usize = main.iter().filter(|k| k.footer).map(cost).sum();
    let base = (width as usize).saturating_sub(1 + fixed.iter().map(cost).sum::<usize>());
    // Room for "more keys" only when something will not fit anyway.
    let mut room = if all <= base {
        base
    } else {
        base.saturating_sub(more.len())
    };
    let mut shown: Vec<Binding> = Vec::new();
    let mut dropped = false;
    for k in main.iter().filter(|k| k.footer) {
        if dropped || cost(k) > room {
            dropped = true;
            continue;
        }
        room -= cost(k);
        shown.push(k.clone());
    }
    let mut spans = vec![Span::raw(" ")];
    for k in shown.iter().chain(&fixed) {
        spans.push(Span::styled(k.keys, Style::new().fg(ACCENT).bold()));
        let is_help = k.action == "help" && fixed.first() == Some(k) && k.keys != "Esc";
        let action = if is_help && dropped {
            "help, more keys".to_string()
        } else {
            k.action.to_string()
        };
        spans.push(Span::raw(format!(" {action}  ")));
    }
    shown.extend(fixed);
    (Line::from(spans), shown)
}

/// A box that shows `lines` wrapped at its width (with a hanging indent);
/// when they do not fit, its last row says "more ↓" and how to scroll, and
/// `scroll` says how far it is scrolled (the largest useful offset is
/// written back for the wizard to clamp to).
pub(crate) fn scroll_box(
    frame: &mut Frame,
    area: Rect,
    block: Block<'static>,
    lines: Vec<Line<'static>>,
    scroll: &crate::wizard::Scroll,
) {
    let inner = block.inner(area);
    if inner.height == 0 || inner.width == 0 {
        frame.render_widget(block, area);
        return;
    }
    let wrapped = wrap::wrap(&lines, inner.width);
    let total = wrapped.len() as u16;
    if total <= inner.height {
        scroll.limit.set(0);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(wrapped), inner);
        return;
    }
    // What is above or below is said in the bottom border, or, for a box
    // without one, on its last row.
    let bottom_border = inner.bottom() < area.bottom();
    let rows = if bottom_border {
        inner.height
    } else {
        inner.height.saturating_sub(1).max(1)
    };
    let limit = total - rows;
    scroll.limit.set(limit);
    let offset = scroll.offset.min(limit);
    let below = total - offset - rows;
    let label = if below > 0 {
        format!(" more ↓ {below} line{} · PgDn scrolls ", plural(below))
    } else {
        " end · PgUp scrolls back ".to_string()
    };
    let label = Line::styled(label, Style::new().fg(ACCENT)).alignment(Alignment::Right);
    let shown: Vec<Line> = wrapped
        .into_iter()
        .skip(offset as usize)
        .take(rows as usize)
        .collect();
    if bottom_border {
        frame.render_widget(block.title_bottom(label), area);
        frame.render_widget(Paragraph::new(shown), inner);
        return;
    }
    frame.render_widget(block, area);
    let [text, more] =
        Layout::vertical([Constraint::Length(rows), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(shown), text);
    frame.render_widget(label, more);
}

fn plural(n: u16) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// How many rows `lines` need at `width` columns, wrapped as [`scroll_box`] does.
pub(crate) fn rows_for(lines: &[Line<'static>], width: u16) -> u16 {
    wrap::wrap(lines, width).len().min(u16::MAX as usize) as u16
}

/// A rectangle of at most `w` x `h` in the middle of `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(r);
    r
}

/// How many rows `lines` take when wrapped at `width` columns (an estimate
/// by characters; word wrapping can need a little more).
pub(crate) fn wrapped_rows(lines: &[Line], width: u16) -> u16 {
    let inner = width.max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    rows.min(u16::MAX as usize) as u16
}

fn popup(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, w: u16) {
    let width = w.min(area.width);
    let lines = wrap::wrap(&lines, width.saturating_sub(2));
    let h = (lines.len() as u16).saturating_add(2);
    let r = centered(area, width, h);
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(ACCENT))
        .title(Line::from(format!(" {title} ")).bold());
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

pub(crate) fn help(frame: &mut Frame, area: Rect, w: &Wizard) {
    let width = 76.min(area.width.saturating_sub(2));
    let inner = width.saturating_sub(2);
    let mut lines = vec![Line::from(super::screens::help_text(w)), Line::raw("")];
    // Key, then what it does; a long description continues under itself.
    let mut row = |keys: &str, action: &str| {
        let col = 16.min(inner / 2);
        let text = wrap::wrap(
            &[Line::raw(action.to_string())],
            inner.saturating_sub(col).max(1),
        );
        for (i, part) in text.into_iter().enumerate() {
            let mut spans = vec![Span::styled(
                if i == 0 {
                    format!("  {:<w$}", keys, w = col as usize - 2)
                } else {
                    " ".repeat(col as usize)
                },
                Style::new().fg(ACCENT).bold(),
            )];
            spans.extend(part.spans);
            lines.push(Line::from(spans));
        }
    };
    for k in keys::screen(w) {
        row(k.keys, k.action);
    }
    if w.has_text_fields() {
        for (k, a) in keys::EDITING {
            row(k, a);
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Progress is saved at every step; quit any time and run sms-mfa again to resume.",
        DIM,
    ));
    let needed = rows_for(&lines, inner) + 2;
    let h = needed.min(area.height.saturating_sub(2)).max(3);
    let r = centered(area, width, h);
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(ACCENT))
        .title(Line::from(" Help ").bold())
        .title_bottom(Line::from(" Esc closes this help ").bold().left_aligned());
    scroll_box(frame, r, block, lines, &w.help_scroll);
}

pub(crate) fn confirm_quit(frame: &mut Frame, area: Rect, w: &Wizard) {
    let mut lines = vec![Line::raw(
        "Typed but not saved yet, and lost if you quit now:",
    )];
    for what in w.unsaved_inputs() {
        lines.push(Line::raw(format!("• {what}")));
    }
    let saved = w.saved_inputs();
    if !saved.is_empty() {
        lines.push(Line::styled(
            format!("Already saved, kept: {}.", saved.join(", ")),
            DIM,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("y", Style::new().fg(BAD).bold()),
        Span::raw(" quit anyway    "),
        Span::styled("n", Style::new().fg(OK).bold()),
        Span::raw(" / "),
        Span::styled("Esc", Style::new().fg(OK).bold()),
        Span::raw(" keep editing"),
    ]));
    popup(frame, area, "Quit without saving?", lines, 60);
}

/// The mark and message of a field state.
pub(crate) fn state_line(state: &FieldState) -> Line<'static> {
    match state {
        FieldState::Empty => Line::raw(""),
        FieldState::Valid => Line::styled("✓", Style::new().fg(OK)),
        FieldState::Warning(m) => Line::styled(format!("! {m}"), Style::new().fg(WARN)),
        FieldState::Missing(m) | FieldState::Invalid(m) => {
            Line::styled(format!("✗ {m}"), Style::new().fg(BAD))
        }
    }
}

/// The mark and message of a field state on one row of `width` columns.
/// An example that does not fit is left out whole (never cut into another
/// value); other text is cut with "…" (the box below shows it whole).
pub(crate) fn state_line_fit(state: &FieldState, width: u16) -> Line<'static> {
    let line = state_line(state);
    let width = width as usize;
    if line.width() <= width {
        return line;
    }
    let style = line.style;
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    if let Some(at) = text.find(", e.g. ") {
        let short = format!("{}.", &text[..at]);
        if Span::raw(short.as_str()).width() <= width {
            return Line::styled(short, style);
        }
    }
    let mut cut = String::new();
    for c in text.chars() {
        if Span::raw(format!("{cut}{c}…")).width() > width {
            break;
        }
        cut.push(c);
    }
    Line::styled(format!("{cut}…"), style)
}

/// Draw a one-line text input in `area`; returns where the cursor goes
/// when it is focused.
pub(crate) fn input(
    frame: &mut Frame,
    area: Rect,
    field: &TextField,
    focused: bool,
    reveal: bool,
    placeholder: &str,
) -> Option<Position> {
    let width = area.width.saturating_sub(2).min(INPUT_WIDTH) as usize;
    let value = field.value();
    let scroll = field.input.visual_scroll(width);
    let shown: String = if value.is_empty() {
        String::new()
    } else if field.secret && !(focused && reveal) {
        "•".repeat(value.chars().count().saturating_sub(scroll).min(width))
    } else {
        value.chars().skip(scroll).take(width).collect()
    };
    let style = if focused {
        Style::new().fg(Color::White).bg(Color::Rgb(40, 44, 52))
    } else {
        Style::new()
    };
    let (text, text_style) = if shown.is_empty() && !placeholder.is_empty() {
        // An example that does not fit is left out, never cut into another
        // value (the field's message and box say what is expected).
        let fits = placeholder.chars().count() <= width;
        (
            if fits || !placeholder.starts_with("e.g. ") {
                placeholder.chars().take(width).collect::<String>()
            } else {
                String::new()
            },
            style.patch(DIM),
        )
    } else {
        (shown, style)
    };
    let fill = width.saturating_sub(text.chars().count());
    let line = Line::from(vec![
        Span::styled("[", DIM),
        Span::styled(text, text_style),
        Span::styled(" ".repeat(fill), style),
        Span::styled("]", DIM),
    ]);
    frame.render_widget(line, area);
    focused.then(|| {
        let x = (field.input.visual_cursor().saturating_sub(scroll)).min(width) as u16;
        Position::new(area.x + 1 + x, area.y)
    })
}

/// The rounded, dim box of the screens' guidance.
pub(crate) fn titled_box(title: &str) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(DIM)
        .title(Line::from(format!(" {title} ")))
}

/// A spinner and what it is waiting for; the frame comes from the wizard's
/// tick count, so drawing stays a pure function of the state.
pub(crate) fn spinner(ticks: u64, label: String) -> Line<'static> {
    use throbber_widgets_tui::{BRAILLE_SIX, Throbber, ThrobberState};
    let mut state = ThrobberState::default();
    let frames = BRAILLE_SIX.symbols.len() as u64;
    let step = (ticks % frames) as i8;
    if step != 0 {
        // (a step of 0 would pick a random frame: drawing must be pure)
        state.calc_step(step);
    }
    Throbber::default()
        .label(label)
        .throbber_set(BRAILLE_SIX)
        .throbber_style(Style::new().fg(ACCENT))
        .to_line(&state)
}
