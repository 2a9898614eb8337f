//! Small pieces shared by the screens.

use super::keys::{self, Binding};
use crate::wizard::{FieldState, Level, Notice, Step, TextField, Wizard};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Position, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

pub const ACCENT: Color = Color::Cyan;
pub const OK: Color = Color::Green;
pub const WARN: Color = Color::Yellow;
pub const BAD: Color = Color::Red;
/// The widest a one-line input is drawn.
pub const INPUT_WIDTH: u16 = 64;
pub const DIM: Style = Style::new().fg(Color::DarkGray);

pub fn too_small(frame: &mut Frame, area: Rect, w: u16, h: u16) {
    let text = format!(
        "Enlarge the terminal (needs {w}x{h}, now {}x{}). Ctrl-C quits.",
        area.width, area.height
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

pub fn header(frame: &mut Frame, area: Rect, w: &Wizard) {
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
    if w.checklist_return.is_some() {
        title.push(Span::styled("  (opened from another step)", DIM));
    }
    let profile = Line::from(vec![Span::styled(
        format!("profile {} ", w.profile_name),
        DIM,
    )])
    .alignment(Alignment::Right);
    let mut crumbs = vec![Span::raw(" ")];
    for (i, step) in Step::ALL.iter().take(Step::COUNT).enumerate() {
        if i > 0 {
            crumbs.push(Span::styled(" › ", DIM));
        }
        let (mark, style) = if *step == w.step {
            ("●", Style::new().fg(ACCENT).bold())
        } else if *step < w.step {
            ("✓", Style::new().fg(OK))
        } else {
            ("○", DIM)
        };
        crumbs.push(Span::styled(format!("{mark} {}", step.short()), style));
    }
    let [top, mid, _] = Layout::vertical([Constraint::Length(1); 3]).areas(area);
    frame.render_widget(Line::from(title), top);
    if top.width > 70 {
        frame.render_widget(profile, top);
    }
    frame.render_widget(Line::from(crumbs), mid);
    if let Some(s) = &w.sandbox
        && mid.width > 90
    {
        frame.render_widget(
            Line::styled(
                format!("simulated: scenario {} ", s.scenario),
                Style::new().fg(WARN),
            )
            .alignment(Alignment::Right),
            mid,
        );
    }
}

/// The sandbox's panel under every screen: the simulated phone's inbox
/// (and, on step 2, the sandbox account's settings to type).
pub fn sandbox_panel(frame: &mut Frame, area: Rect, w: &Wizard) {
    let lines = sandbox_lines(w);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(Style::new().fg(WARN))
        .title(Line::styled(" Sandbox inbox ", Style::new().fg(WARN)));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// How many rows the sandbox panel needs at `width` (its title included).
pub fn sandbox_panel_height(w: &Wizard, width: u16) -> u16 {
    // (word wrapping can need a row more than the estimate)
    2 + wrapped_rows(&sandbox_lines(w), width)
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
        let creds = crate::sandbox::providers::credentials(&p.id);
        let text: Vec<String> = creds.iter().map(|(n, v)| format!("{n} {v}")).collect();
        lines.push(Line::from(vec![
            Span::styled("Sandbox account: ", Style::new().bold()),
            Span::raw(text.join("  ")),
        ]));
    }
    if let Some(why) = &s.memory_only {
        lines.push(Line::styled(why.clone(), Style::new().fg(WARN)));
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
            "No message yet: what a simulated provider accepts arrives here. Nothing leaves this machine.",
            DIM,
        )),
    }
    lines
}

pub fn notice(frame: &mut Frame, area: Rect, notice: Option<&Notice>) {
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
    frame.render_widget(
        Paragraph::new(n.text.clone())
            .style(Style::new().fg(color))
            .wrap(Wrap { trim: true }),
        text_area,
    );
}

pub fn footer(frame: &mut Frame, area: Rect, bindings: &[Binding]) {
    // The last two bindings (help and quit) are always shown; the others
    // fill the space that is left, most useful first.
    let (main, fixed) = bindings.split_at(bindings.len().saturating_sub(2));
    let width = |k: &Binding| k.keys.chars().count() + k.action.chars().count() + 3;
    let mut room = (area.width as usize).saturating_sub(1 + fixed.iter().map(width).sum::<usize>());
    let mut spans = vec![Span::raw(" ")];
    let push = |spans: &mut Vec<Span<'static>>, k: &Binding| {
        spans.push(Span::styled(k.keys, Style::new().fg(ACCENT).bold()));
        spans.push(Span::raw(format!(" {}  ", k.action)));
    };
    for k in main {
        if width(k) > room {
            break;
        }
        room -= width(k);
        push(&mut spans, k);
    }
    for k in fixed {
        push(&mut spans, k);
    }
    frame.render_widget(Line::from(spans), area);
}

/// A rectangle of at most `w` x `h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
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
pub fn wrapped_rows(lines: &[Line], width: u16) -> u16 {
    let inner = width.max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    rows.min(u16::MAX as usize) as u16
}

fn popup(frame: &mut Frame, area: Rect, title: &str, text: Text<'static>, w: u16) {
    // Height after wrapping at the popup's inner width.
    let h = wrapped_rows(&text.lines, w.min(area.width).saturating_sub(2)).saturating_add(2);
    let r = centered(area, w, h);
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(ACCENT))
        .title(Line::from(format!(" {title} ")).bold());
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
        r,
    );
}

pub fn help(frame: &mut Frame, area: Rect, w: &Wizard) {
    let mut lines = vec![Line::from(super::screens::help_text(w.step)), Line::raw("")];
    let row = |k: &Binding| {
        Line::from(vec![
            Span::styled(format!("  {:<14}", k.keys), Style::new().fg(ACCENT).bold()),
            Span::raw(k.action),
        ])
    };
    lines.extend(keys::bindings(w).iter().map(row));
    if w.has_text_fields() {
        lines.extend(keys::EDITING.iter().map(row));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "  Progress is saved at every step; quit any time and run sms-mfa again to resume.",
        DIM,
    ));
    lines.push(Line::styled("  Esc closes this help.", DIM));
    popup(frame, area, "Help", Text::from(lines), 76);
}

pub fn confirm_quit(frame: &mut Frame, area: Rect, _w: &Wizard) {
    let lines = vec![
        Line::raw("What you typed on this step has not been saved yet"),
        Line::raw("and would be lost."),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", Style::new().fg(BAD).bold()),
            Span::raw(" quit anyway    "),
            Span::styled("n", Style::new().fg(OK).bold()),
            Span::raw(" / "),
            Span::styled("Esc", Style::new().fg(OK).bold()),
            Span::raw(" keep editing"),
        ]),
    ];
    popup(frame, area, "Quit without saving?", Text::from(lines), 56);
}

/// The mark and message of a field state.
pub fn state_line(state: &FieldState) -> Line<'static> {
    match state {
        FieldState::Empty => Line::raw(""),
        FieldState::Valid => Line::styled("✓", Style::new().fg(OK)),
        FieldState::Warning(m) => Line::styled(format!("! {m}"), Style::new().fg(WARN)),
        FieldState::Missing(m) | FieldState::Invalid(m) => {
            Line::styled(format!("✗ {m}"), Style::new().fg(BAD))
        }
    }
}

/// Draw a one-line text input in `area`; returns where the cursor goes
/// when it is focused.
pub fn input(
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
        (
            placeholder.chars().take(width).collect::<String>(),
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

/// A titled, wrapped paragraph in a rounded box.
pub fn panel(frame: &mut Frame, area: Rect, title: &str, text: Text<'static>) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(DIM)
        .title(Line::from(format!(" {title} ")));
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
        area,
    );
}

/// A spinner and what it is waiting for; the frame comes from the wizard's
/// tick count, so drawing stays a pure function of the state.
pub fn spinner(ticks: u64, label: String) -> Line<'static> {
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
