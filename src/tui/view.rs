//! The frame: header, the current step's screen, notice, footer, overlays.
//! Pure: a function of the wizard's state.

use super::{keys, screens, widgets};
use crate::wizard::{Overlay, Step, Wizard};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the wizard asks for a bigger terminal instead of drawing.
pub(crate) const MIN_WIDTH: u16 = 60;
pub(crate) const MIN_HEIGHT: u16 = 16;

pub fn draw(frame: &mut Frame, w: &Wizard) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        widgets::too_small(frame, area, MIN_WIDTH, MIN_HEIGHT);
        return;
    }
    // A long notice (a path, an error) wraps onto up to four lines.
    let notice_height = w
        .notice
        .as_ref()
        .map_or(1, |n| widgets::notice_rows(n, area.width).clamp(1, 4));
    // Less chrome first: the blank row under the step bar goes when short.
    let header_rows = if area.height >= 30 { 3 } else { 2 };
    let [header, body, notice, footer] = Layout::vertical([
        Constraint::Length(header_rows),
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
        // (a third of a short body: the step's own guidance comes first)
        // Very short: the newest inbox line only, but on step 2 the
        // sandbox account's values to type (guidance there).
        let short_secrets = w.step == Step::Secrets && body.height < 16;
        let max = if body.height >= 30 || short_secrets {
            body.height / 2
        } else if body.height >= 16 || w.step == Step::Secrets {
            body.height / 3
        } else {
            2
        };
        let rows = widgets::sandbox_panel_height(w, body.width, max);
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
    match w.overlay {
        Some(Overlay::Help) => widgets::help(frame, area, w),
        Some(Overlay::ConfirmQuit) => widgets::confirm_quit(frame, area, w),
        Some(Overlay::Code) => screens::code::draw(frame, area, w),
        Some(Overlay::Deliveries) => screens::deliveries::draw(frame, area, w),
        None => {}
    }
    // Last: the key table can depend on what the boxes found (whether the
    // help scrolls).
    widgets::footer(frame, footer, &keys::bindings(w));
}
