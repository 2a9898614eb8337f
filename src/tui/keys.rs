//! Key presses to [`Msg`]s, and the key help shown in the footer and the
//! help overlay. Pure: it reads the wizard to know whether a text field has
//! the keyboard (then letters are text, not commands).

use crate::wizard::{InputRequest, Msg, Overlay, Step, TenantKey, Wizard};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One line of key help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub keys: &'static str,
    pub action: &'static str,
}

const fn b(keys: &'static str, action: &'static str) -> Binding {
    Binding { keys, action }
}

/// Translate one key press.
pub fn map(w: &Wizard, key: KeyEvent) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match w.overlay {
        Some(Overlay::Code) => {
            return match key.code {
                KeyCode::Esc | KeyCode::Char('q') => Some(Msg::Back),
                KeyCode::Char('o') if ctrl => Some(Msg::OpenCode),
                KeyCode::Char('c') if ctrl => Some(Msg::Quit),
                KeyCode::Up | KeyCode::Char('k') => Some(Msg::Up),
                KeyCode::Down | KeyCode::Char('j') => Some(Msg::Down),
                KeyCode::PageUp => Some(Msg::Scroll(-10)),
                KeyCode::PageDown | KeyCode::Char(' ') => Some(Msg::Scroll(10)),
                KeyCode::Home | KeyCode::Char('g') => Some(Msg::Scroll(-100_000)),
                KeyCode::End | KeyCode::Char('G') => Some(Msg::Scroll(100_000)),
                KeyCode::Tab | KeyCode::BackTab => Some(Msg::SwitchTarget),
                KeyCode::Char('w') => Some(Msg::WriteCode),
                _ => None,
            };
        }
        Some(Overlay::ConfirmQuit) => {
            return match key.code {
                KeyCode::Char('y' | 'Y') => Some(Msg::Answer(true)),
                KeyCode::Char('c') if ctrl => Some(Msg::Answer(true)),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Msg::Answer(false)),
                _ => None,
            };
        }
        Some(Overlay::Help) => {
            return match key.code {
                KeyCode::Esc => Some(Msg::Back),
                KeyCode::Enter => Some(Msg::Enter),
                KeyCode::F(1) | KeyCode::Char('?') => Some(Msg::Help),
                KeyCode::Char('q') => Some(Msg::Quit),
                KeyCode::Char('c') if ctrl => Some(Msg::Quit),
                _ => None,
            };
        }
        None => {}
    }
    if ctrl {
        match key.code {
            KeyCode::Char('c') => return Some(Msg::Quit),
            KeyCode::Char('n') => return Some(Msg::Next),
            KeyCode::Char('t') => return Some(Msg::OpenChecklist),
            KeyCode::Char('o') => return Some(Msg::OpenCode),
            KeyCode::Char('p') if w.step == Step::Tenant => return Some(Msg::ConnectOpen),
            KeyCode::Char('f') if w.step == Step::Secrets => return Some(Msg::Pick),
            _ => {}
        }
    }
    match key.code {
        KeyCode::F(1) => return Some(Msg::Help),
        KeyCode::Esc => return Some(Msg::Back),
        KeyCode::Enter => return Some(Msg::Enter),
        KeyCode::Tab => return Some(Msg::NextField),
        KeyCode::BackTab => return Some(Msg::PrevField),
        KeyCode::Up => return Some(Msg::Up),
        KeyCode::Down => return Some(Msg::Down),
        _ => {}
    }
    if w.typing() {
        let edit = |r| Some(Msg::Edit(r));
        return match key.code {
            KeyCode::Char('r') if ctrl => Some(Msg::ToggleReveal),
            KeyCode::Char('l') if ctrl => Some(Msg::Reload),
            KeyCode::Char('a') if ctrl => edit(InputRequest::GoToStart),
            KeyCode::Char('e') if ctrl => edit(InputRequest::GoToEnd),
            KeyCode::Char('u') if ctrl => edit(InputRequest::DeleteLine),
            KeyCode::Char('w') if ctrl => edit(InputRequest::DeletePrevWord),
            KeyCode::Char('k') if ctrl => edit(InputRequest::DeleteTillEnd),
            KeyCode::Char(c) if !ctrl && !alt => edit(InputRequest::InsertChar(c)),
            KeyCode::Backspace if ctrl || alt => edit(InputRequest::DeletePrevWord),
            KeyCode::Backspace => edit(InputRequest::DeletePrevChar),
            KeyCode::Delete => edit(InputRequest::DeleteNextChar),
            KeyCode::Left if ctrl => edit(InputRequest::GoToPrevWord),
            KeyCode::Right if ctrl => edit(InputRequest::GoToNextWord),
            KeyCode::Left => edit(InputRequest::GoToPrevChar),
            KeyCode::Right => edit(InputRequest::GoToNextChar),
            KeyCode::Home => edit(InputRequest::GoToStart),
            KeyCode::End => edit(InputRequest::GoToEnd),
            _ => None,
        };
    }
    if w.step == Step::Tenant && !ctrl {
        let k = match key.code {
            KeyCode::Char('r') => Some(TenantKey::Check),
            KeyCode::Char('f') => Some(TenantKey::Plan),
            KeyCode::Char('y') => Some(TenantKey::Apply),
            KeyCode::Char('e') => Some(TenantKey::Edit),
            KeyCode::Char('t') => Some(TenantKey::Try),
            _ => None,
        };
        if let Some(k) = k {
            return Some(Msg::Tenant(k));
        }
    }
    if w.step == Step::Checklist && !ctrl {
        match key.code {
            KeyCode::Char('r') => return Some(Msg::Reload),
            KeyCode::Char('a') => return Some(Msg::Fix),
            _ => {}
        }
    }
    if w.step == Step::Tenant && ctrl && key.code == KeyCode::Char('l') {
        return Some(Msg::Reload);
    }
    match key.code {
        KeyCode::Char('q') if !ctrl => Some(Msg::Quit),
        KeyCode::Char('?') => Some(Msg::Help),
        KeyCode::Char('j') => Some(Msg::Down),
        KeyCode::Char('k') => Some(Msg::Up),
        KeyCode::Char('c') if !ctrl => Some(Msg::OpenChecklist),
        KeyCode::Char('n') if !ctrl => Some(Msg::Next),
        _ => None,
    }
}

/// Pasted text (bracketed paste): typed into the focused field, one line.
pub fn paste(w: &Wizard, text: &str) -> Vec<Msg> {
    if !w.typing() {
        return Vec::new();
    }
    text.trim_end_matches(['\r', '\n'])
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| Msg::Edit(InputRequest::InsertChar(c)))
        .collect()
}

/// The keys that work on the current screen, most useful first. The footer
/// shows as many as fit; the help overlay shows them all.
pub fn bindings(w: &Wizard) -> Vec<Binding> {
    let mut v = Vec::new();
    let detour = w.checklist_return.is_some();
    match w.step {
        Step::Provider => {
            v.push(b("↑↓", "choose"));
            v.push(b("Enter", "select"));
        }
        Step::Secrets if w.picker.is_some() => {
            v.push(b("↑↓", "choose"));
            v.push(b("Enter", "take it"));
            v.push(b("Ctrl-F", "list again"));
            v.push(b("Esc", "close"));
        }
        Step::Secrets => {
            v.push(b("Enter", "next"));
            v.push(b("Tab", "move"));
            v.push(b("Ctrl-N", "continue"));
            let pickable = w.provider().is_some_and(|p| {
                p.settings
                    .iter()
                    .any(|s| crate::wizard::PICKABLE.contains(&s.name.as_str()))
            });
            if pickable {
                v.push(b("Ctrl-F", "pick"));
            }
        }
        Step::TestMessage => {
            v.push(b("Enter", "next/send"));
            v.push(b("Tab", "move"));
            v.push(b("Ctrl-N", "continue"));
        }
        Step::Tenant if w.tenant.connect.as_ref().is_some_and(|c| c.plan.is_some()) => {
            v.push(b("y", "connect"));
            v.push(b("Esc", "close the plan"));
        }
        Step::Tenant if w.tenant.connect.is_some() => {
            v.push(b("Enter", "next/plan"));
            v.push(b("Tab", "move"));
            v.push(b("Esc", "client id and secret instead"));
        }
        Step::Tenant if w.tenant.editing => {
            v.push(b("Ctrl-P", "paste token"));
            v.push(b("Enter", "next/check"));
            v.push(b("Tab", "move"));
            v.push(b("Ctrl-N", "save & check"));
            v.push(b("Ctrl-R", "reveal"));
        }
        Step::Tenant if w.tenant.plan.is_some() => {
            v.push(b("y", "apply the plan"));
            v.push(b("Esc", "close the plan"));
            v.push(b("↑↓", "select"));
        }
        Step::Tenant => {
            v.push(b("↑↓", "select"));
            v.push(b("r", "check"));
            v.push(b("f", "plan the fix"));
            if w.tenant.generation() == Some(crate::auth0::inspect::Generation::UnifiedPhone) {
                v.push(b("t", "Auth0 test"));
            }
            v.push(b("e", "connection"));
            v.push(b("Enter", "continue"));
        }
        Step::Checklist => {
            v.push(b("↑↓", "select"));
            v.push(b("a", "apply the fix"));
            v.push(b("r", "check again"));
            v.push(b(
                if detour { "Enter/Esc" } else { "Enter" },
                if detour { "return" } else { "finish" },
            ));
        }
        Step::Done => v.push(b("Enter", "quit")),
    }
    if w.test_accepted() {
        v.insert(0, b("Ctrl-O", "Action code"));
    }
    if w.cancellable() {
        v.insert(0, b("Esc", "cancel"));
    } else if w.step != Step::Provider && !detour && w.tenant.plan.is_none() {
        v.push(b("Esc", "back"));
    }
    if w.step == Step::Secrets {
        v.push(b("Ctrl-R", "reveal"));
        v.push(b("Ctrl-L", "recheck keyring"));
    }
    if w.step != Step::Checklist {
        if w.has_text_fields() {
            v.push(b("Ctrl-T", "checklist"));
        } else {
            v.push(b("c", "checklist"));
        }
    }
    if w.has_text_fields() {
        v.push(b("F1", "help"));
        v.push(b("Ctrl-C", "quit"));
    } else {
        v.push(b("?", "help"));
        v.push(b("q", "quit"));
    }
    v
}

/// Editing keys, listed in the help overlay of form screens.
pub const EDITING: [Binding; 6] = [
    b("← → Home End", "move the cursor"),
    b("Backspace Del", "delete a character"),
    b("Ctrl-W", "delete the word before the cursor"),
    b("Ctrl-U", "clear the field"),
    b("Ctrl-K", "delete to the end"),
    b("Ctrl-A Ctrl-E", "start / end of the field"),
];
