//! The frame: header, the current step's screen, notice, footer, overlays.
//! Pure: a function of the wizard's state.

use super::{keys, screens, widgets};
use crate::wizard::{Overlay, Step, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the wizard asks for a bigger terminal instead of drawing.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn draw(frame: &mut Frame, w: &Wizard) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        widgets::too_small(frame, area, MIN_WIDTH, MIN_HEIGHT);
        return;
    }
    // A long notice (a path, an error) wraps onto up to four lines; word
    // wrapping leaves some of each line empty, hence the margin.
    let notice_height = w.notice.as_ref().map_or(1, |n| {
        let width = area.width.saturating_sub(4).max(1) as usize;
        (n.text.chars().count() * 6 / 5).div_ceil(width).clamp(1, 4) as u16
    });
    let [header, body, notice, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(1),
        Constraint::Length(notice_height),
        Constraint::Length(1),
    ])
    .areas(area);
    widgets::header(frame, header, w);
    let body = Rect {
        x: body.x + 1,
        width: body.width.saturating_sub(2),
        ..body
    };
    // The sandbox's inbox under every screen.
    let body = if w.sandbox.is_some() {
        // As tall as what it says, up to half the body.
        let rows = widgets::sandbox_panel_height(w, body.width).min(body.height / 2);
        let [b, panel] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(rows)]).areas(body);
        widgets::sandbox_panel(frame, panel, w);
        b
    } else {
        body
    };
    match w.step {
        Step::Provider => screens::provider::draw(frame, body, w),
        Step::Secrets => {
            screens::secrets::draw(frame, body, w);
            if let Some(p) = &w.picker {
                screens::picker::draw(frame, body, w, p);
            }
        }
        Step::TestMessage => screens::test_message::draw(frame, body, w),
        Step::Tenant => screens::tenant::draw(frame, body, w),
        Step::Checklist => screens::checklist::draw(frame, body, w),
        Step::Done => screens::done::draw(frame, body, w),
    }
    widgets::notice(frame, notice, w.notice.as_ref());
    widgets::footer(frame, footer, &keys::bindings(w));
    match w.overlay {
        Some(Overlay::Help) => widgets::help(frame, area, w),
        Some(Overlay::ConfirmQuit) => widgets::confirm_quit(frame, area, w),
        Some(Overlay::Code) => screens::code::draw(frame, area, w),
        None => {}
    }
}
