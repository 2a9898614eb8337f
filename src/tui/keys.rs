//! The key table: for the current state, which keys act and what they do.
//! One table serves the dispatch ([`map`]), the footer and the help
//! overlay, so the footer never shows a key that does nothing and never
//! hides one that acts without saying so. Pure: it reads the wizard.

use crate::wizard::{InputRequest, Msg, Overlay, Step, TenantKey, Wizard};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key as the table knows it: the code, and whether Ctrl is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub(crate) ctrl: bool,
}

impl Key {
    pub(crate) const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }
    pub(crate) const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }
    pub(crate) const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// The table's key for a key press (Shift is part of the character;
    /// Shift-Tab arrives as BackTab).
    pub fn of(event: &KeyEvent) -> Key {
        Key {
            code: match event.code {
                KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::CONTROL) => {
                    KeyCode::Char(c.to_ascii_lowercase())
                }
                c => c,
            },
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    pub fn event(self) -> KeyEvent {
        KeyEvent::new(
            self.code,
            if self.ctrl {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            },
        )
    }
}

/// One row of the key table: how it is written, what it does, and the keys
/// (with the message each sends) it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: &'static str,
    pub action: &'static str,
    pub accepts: Vec<(Key, Msg)>,
    /// Shown in the footer when it fits (else only in the help, which the
    /// footer then points to). Scroll keys are not: the box that scrolls
    /// names them itself.
    pub footer: bool,
}

fn b(keys: &'static str, action: &'static str, accepts: Vec<(Key, Msg)>) -> Binding {
    Binding {
        keys,
        action,
        accepts,
        footer: true,
    }
}

fn one(keys: &'static str, action: &'static str, key: Key, msg: Msg) -> Binding {
    b(keys, action, vec![(key, msg)])
}

fn quiet(mut binding: Binding) -> Binding {
    binding.footer = false;
    binding
}

/// ↑↓ (and j k when no field has the keyboard).
fn updown(action: &'static str, typing: bool) -> Binding {
    let mut v = vec![
        (Key::plain(KeyCode::Up), Msg::Up),
        (Key::plain(KeyCode::Down), Msg::Down),
    ];
    if !typing {
        v.push((Key::ch('k'), Msg::Up));
        v.push((Key::ch('j'), Msg::Down));
    }
    b("↑↓", action, v)
}

fn tab(action: &'static str) -> Binding {
    b(
        "Tab",
        action,
        vec![
            (Key::plain(KeyCode::Tab), Msg::NextField),
            (Key::plain(KeyCode::BackTab), Msg::PrevField),
        ],
    )
}

/// PgUp PgDn: scroll the screen's guidance box (or the help).
fn scroll_keys() -> Binding {
    quiet(b(
        "PgUp PgDn",
        "scroll the box that says \"more\"",
        vec![
            (Key::plain(KeyCode::PageUp), Msg::Scroll(-5)),
            (Key::plain(KeyCode::PageDown), Msg::Scroll(5)),
        ],
    ))
}

fn help_key(typing: bool) -> Binding {
    let mut v = vec![(Key::plain(KeyCode::F(1)), Msg::Help)];
    if !typing {
        v.push((Key::ch('?'), Msg::Help));
    }
    b(if typing { "F1" } else { "?" }, "help", v)
}

fn quit_key(typing: bool) -> Binding {
    let mut v = vec![(Key::ctrl('c'), Msg::Quit)];
    if !typing {
        v.push((Key::ch('q'), Msg::Quit));
    }
    b(if typing { "Ctrl-C" } else { "q" }, "quit", v)
}

/// Ctrl-N (and n) do what Enter does where Enter continues.
fn with_next(mut binding: Binding, typing: bool) -> Binding {
    binding.accepts.push((Key::ctrl('n'), Msg::Next));
    if !typing {
        binding.accepts.push((Key::ch('n'), Msg::Next));
    }
    binding
}

/// The scroll keys of the code view and the help: arrows, j/k, PgUp/PgDn
/// and space, Home/End and g/G.
fn scrolling() -> Binding {
    b(
        "↑↓ PgUp PgDn",
        "scroll",
        vec![
            (Key::plain(KeyCode::Up), Msg::Up),
            (Key::plain(KeyCode::Down), Msg::Down),
            (Key::ch('k'), Msg::Up),
            (Key::ch('j'), Msg::Down),
            (Key::plain(KeyCode::PageUp), Msg::Scroll(-10)),
            (Key::plain(KeyCode::PageDown), Msg::Scroll(10)),
            (Key::ch(' '), Msg::Scroll(10)),
            (Key::plain(KeyCode::Home), Msg::Scroll(-100_000)),
            (Key::ch('g'), Msg::Scroll(-100_000)),
            (Key::plain(KeyCode::End), Msg::Scroll(100_000)),
            (Key::ch('G'), Msg::Scroll(100_000)),
        ],
    )
}

/// The key table of the current state, most important first. The last two
/// rows are always help and quit.
pub fn bindings(w: &Wizard) -> Vec<Binding> {
    match w.overlay {
        Some(Overlay::Code) => vec![
            scrolling(),
            b(
                "Tab",
                "trigger",
                vec![
                    (Key::plain(KeyCode::Tab), Msg::SwitchTarget),
                    (Key::plain(KeyCode::BackTab), Msg::SwitchTarget),
                ],
            ),
            one("w", "write file", Key::ch('w'), Msg::WriteCode),
            b(
                "Esc",
                "close",
                vec![
                    (Key::plain(KeyCode::Esc), Msg::Back),
                    (Key::ch('q'), Msg::Back),
                    (Key::ctrl('o'), Msg::OpenCode),
                ],
            ),
            one("Ctrl-C", "quit", Key::ctrl('c'), Msg::Quit),
        ],
        Some(Overlay::Deliveries) => vec![
            one("r", "refresh", Key::ch('r'), Msg::Reload),
            updown("select", false),
            b(
                "Esc",
                "close",
                vec![
                    (Key::plain(KeyCode::Esc), Msg::Back),
                    (Key::ch('d'), Msg::Back),
                ],
            ),
            quit_key(false),
        ],
        Some(Overlay::ConfirmQuit) => vec![
            b(
                "y",
                "quit anyway",
                vec![
                    (Key::ch('y'), Msg::Answer(true)),
                    (Key::ch('Y'), Msg::Answer(true)),
                    (Key::ctrl('c'), Msg::Answer(true)),
                ],
            ),
            b(
                "n/Esc",
                "keep editing",
                vec![
                    (Key::ch('n'), Msg::Answer(false)),
                    (Key::ch('N'), Msg::Answer(false)),
                    (Key::plain(KeyCode::Esc), Msg::Answer(false)),
                ],
            ),
        ],
        Some(Overlay::Help) => vec![
            Binding {
                // (shown when the help is longer than the screen: the
                // limit is what the last frame found)
                footer: w.help_scroll.limit.get() > 0,
                ..scrolling()
            },
            b(
                "Esc",
                "close the help",
                vec![
                    (Key::plain(KeyCode::Esc), Msg::Back),
                    (Key::plain(KeyCode::Enter), Msg::Enter),
                    (Key::plain(KeyCode::F(1)), Msg::Help),
                    (Key::ch('?'), Msg::Help),
                    (Key::ch('q'), Msg::Quit),
                    (Key::ctrl('c'), Msg::Quit),
                ],
            ),
        ],
        None => screen(w),
    }
}

/// The current step's keys (without an overlay): what the help lists.
pub(crate) fn screen(w: &Wizard) -> Vec<Binding> {
    let typing = w.has_text_fields();
    let detour = w.checklist_return.is_some();
    let mut v = Vec::new();
    if w.cancellable() {
        v.push(one("Esc", "cancel", Key::plain(KeyCode::Esc), Msg::Back));
    }
    let enter = |action| one("Enter", action, Key::plain(KeyCode::Enter), Msg::Enter);
    let next = |action| {
        let mut v = vec![(Key::ctrl('n'), Msg::Next)];
        if !typing {
            v.push((Key::ch('n'), Msg::Next));
        }
        b("Ctrl-N", action, v)
    };
    let storing = w.storing();
    match w.step {
        Step::Provider => {
            v.push(with_next(enter("select"), typing));
            v.push(updown("choose", false));
        }
        Step::Secrets if storing => {}
        // A list of the account's numbers or services (opened by itself,
        // or Ctrl-F); typing goes to the field and closes it.
        Step::Secrets if w.picker.is_some() => {
            if w.picker.as_ref().is_some_and(|p| p.choices.is_empty()) {
                v.push(enter("next field"));
                v.push(updown("move", true));
            } else {
                v.push(enter("take it"));
                v.push(updown("choose", true));
            }
            v.push(one(
                "Esc",
                "type by hand",
                Key::plain(KeyCode::Esc),
                Msg::Back,
            ));
            v.push(one("Ctrl-F", "list again", Key::ctrl('f'), Msg::Pick));
            v.push(tab("move"));
            v.push(next("save & continue"));
        }
        Step::Secrets => {
            let last = w
                .form
                .as_ref()
                .is_some_and(|f| f.focus + 1 >= f.fields.len());
            // Refused already, on the field to fix: saving again would say
            // the same, so the footer leaves it to the help.
            let refused = match (w.provider(), w.form.as_ref()) {
                (Some(p), Some(f)) => f.show_missing && f.blocking(p).first() == Some(&f.focus),
                _ => false,
            };
            let mut save = enter(if last {
                "save & continue"
            } else {
                "next field"
            });
            save.footer = !(refused && last);
            v.push(save);
            // No keyring: what works now comes before what would fail.
            if w.keyring_error.is_some() && w.sandbox.is_none() {
                v.push(one(
                    "Ctrl-S",
                    "keep in memory",
                    Key::ctrl('s'),
                    Msg::KeepInMemory,
                ));
            }

            let mut save = next("save & continue");
            save.footer = !refused;
            v.push(save);
            v.push(tab("move"));
            let pickable = w.provider().is_some_and(|p| {
                p.settings
                    .iter()
                    .any(|s| crate::wizard::PICKABLE.contains(&s.name.as_str()))
            });
            if pickable {
                v.push(one(
                    "Ctrl-F",
                    "pick from the account",
                    Key::ctrl('f'),
                    Msg::Pick,
                ));
            }
            if w.form.as_ref().is_some_and(|f| f.fields[f.focus].secret) {
                v.push(one("Ctrl-R", "reveal", Key::ctrl('r'), Msg::ToggleReveal));
            }
            if w.busy.is_none() {
                v.push(one(
                    "Ctrl-L",
                    "recheck keyring",
                    Key::ctrl('l'),
                    Msg::Reload,
                ));
            }
            v.push(updown("move", true));
        }
        Step::TestMessage => {
            if !w.sending() {
                v.push(enter(if w.test.focus == 0 {
                    "next field"
                } else {
                    "send"
                }));
            }
            v.push(next("continue"));
            v.push(tab("move"));
            v.push(updown("move", true));
        }
        // Working on the tenant (storing, checking, planning, applying):
        // Esc only. A quick keyring read lets the keys through (they wait
        // for it).
        Step::Tenant if w.busy.is_some() && !w.loading_tenant() => {}
        // The pasted-token connection (Ctrl-P): its plan, then its form.
        Step::Tenant if w.tenant.connect.as_ref().is_some_and(|c| c.plan.is_some()) => {
            v.push(one(
                "y",
                "connect",
                Key::ch('y'),
                Msg::Tenant(TenantKey::Apply),
            ));
            v.push(one(
                "Esc",
                "close the plan",
                Key::plain(KeyCode::Esc),
                Msg::Back,
            ));
        }
        Step::Tenant if w.tenant.connect.is_some() => {
            v.push(enter("next / plan"));
            // Nothing pasted (and no connection): the step is optional.
            let pasted = w
                .tenant
                .connect
                .as_ref()
                .is_some_and(|c| !c.token.value().is_empty());
            v.push(next(if pasted || w.connection_complete() {
                "plan"
            } else {
                "skip this step"
            }));
            v.push(tab("move"));
            v.push(one(
                "Esc",
                "client id and secret instead",
                Key::plain(KeyCode::Esc),
                Msg::Back,
            ));
        }
        Step::Tenant if w.tenant.editing => {
            v.push(one(
                "Ctrl-P",
                "paste a token",
                Key::ctrl('p'),
                Msg::ConnectOpen,
            ));
            let last = w
                .tenant
                .form
                .as_ref()
                .is_some_and(|f| f.focus + 1 >= f.fields.len());
            v.push(enter(if last { "save & check" } else { "next field" }));
            v.push(next(
                if w.connection_complete() || w.tenant.form.as_ref().is_some_and(|f| f.unsaved()) {
                    "save & check"
                } else {
                    "skip this step"
                },
            ));
            v.push(tab("move"));
            // No keyring: the client secret kept in memory for this session.
            if w.keyring_error.is_some() && w.sandbox.is_none() {
                v.push(one(
                    "Ctrl-S",
                    "keep in memory",
                    Key::ctrl('s'),
                    Msg::KeepInMemory,
                ));
            }
            if w.tenant
                .form
                .as_ref()
                .is_some_and(|f| f.fields[f.focus].secret)
            {
                v.push(one("Ctrl-R", "reveal", Key::ctrl('r'), Msg::ToggleReveal));
            }
            v.push(one(
                "Ctrl-L",
                "recheck keyring",
                Key::ctrl('l'),
                Msg::Reload,
            ));
            v.push(updown("move", true));
        }
        Step::Tenant if w.tenant.plan.is_some() => {
            v.push(one(
                "y",
                "apply the plan",
                Key::ch('y'),
                Msg::Tenant(TenantKey::Apply),
            ));
            v.push(one(
                "Esc",
                "close the plan",
                Key::plain(KeyCode::Esc),
                Msg::Back,
            ));
            v.push(updown("select", false));
        }
        Step::Tenant => {
            v.push(with_next(enter("continue"), typing));
            v.push(b(
                "r",
                "check",
                vec![
                    (Key::ch('r'), Msg::Tenant(TenantKey::Check)),
                    (Key::ctrl('l'), Msg::Reload),
                ],
            ));
            if w.provider().is_some() {
                v.push(one(
                    "f",
                    "plan the fix",
                    Key::ch('f'),
                    Msg::Tenant(TenantKey::Plan),
                ));
            }
            if w.tenant.generation() == Some(crate::auth0::inspect::Generation::UnifiedPhone) {
                v.push(one(
                    "t",
                    "Auth0's test",
                    Key::ch('t'),
                    Msg::Tenant(TenantKey::Try),
                ));
            }
            v.push(one(
                "e",
                "connection",
                Key::ch('e'),
                Msg::Tenant(TenantKey::Edit),
            ));
            if matches!(&w.tenant.report, Some(Ok(r)) if !r.findings.is_empty()) {
                v.push(updown("select", false));
            }
        }
        Step::Checklist => {
            v.push(with_next(
                b(
                    if detour { "Enter/Esc" } else { "Enter" },
                    if detour { "return" } else { "finish" },
                    if detour {
                        vec![
                            (Key::plain(KeyCode::Enter), Msg::Enter),
                            (Key::plain(KeyCode::Esc), Msg::Back),
                        ]
                    } else {
                        vec![(Key::plain(KeyCode::Enter), Msg::Enter)]
                    },
                ),
                typing,
            ));
            if w.selected_fix().is_some() {
                v.push(one("a", "apply the fix", Key::ch('a'), Msg::Fix));
            }
            v.push(updown("select", false));
            v.push(b("r", "check again", vec![(Key::ch('r'), Msg::Reload)]));
            v.push(one(
                "d",
                "recent deliveries",
                Key::ch('d'),
                Msg::OpenDeliveries,
            ));
        }
        Step::Done => v.push(enter("quit")),
    }
    if w.test_accepted() {
        v.push(one("Ctrl-O", "Action code", Key::ctrl('o'), Msg::OpenCode));
    }
    let plan_open = w.step == Step::Tenant && w.tenant.plan.is_some() && !w.tenant.editing;
    // Esc is taken by these: it closes them.
    let own_esc = (w.step == Step::Secrets && w.picker.is_some())
        || (w.step == Step::Tenant && w.tenant.connect.is_some());
    if !w.cancellable() && w.step != Step::Provider && !detour && !plan_open && !own_esc {
        v.push(one("Esc", "back", Key::plain(KeyCode::Esc), Msg::Back));
    }
    if w.step != Step::Checklist && !storing {
        let mut keys = vec![(Key::ctrl('t'), Msg::OpenChecklist)];
        if !typing {
            keys.push((Key::ch('c'), Msg::OpenChecklist));
        }
        v.push(b(if typing { "Ctrl-T" } else { "c" }, "checklist", keys));
    }
    v.push(scroll_keys());
    v.push(help_key(typing));
    v.push(quit_key(typing));
    v
}

/// Translate one key press: the key table first, then, while a field has
/// the keyboard, the editing keys.
pub fn map(w: &Wizard, key: KeyEvent) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let k = Key::of(&key);
    for binding in bindings(w) {
        if let Some((_, msg)) = binding.accepts.iter().find(|(a, _)| *a == k) {
            return Some(msg.clone());
        }
    }
    if w.typing() {
        return edit(&key);
    }
    None
}

/// The editing keys of a text field.
pub fn edit(key: &KeyEvent) -> Option<Msg> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let edit = |r| Some(Msg::Edit(r));
    match key.code {
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
    }
}

/// Pasted text (bracketed paste): typed into the focused field, one line.
pub(crate) fn paste(w: &Wizard, text: &str) -> Vec<Msg> {
    if !w.typing() {
        return Vec::new();
    }
    text.trim_end_matches(['\r', '\n'])
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| Msg::Edit(InputRequest::InsertChar(c)))
        .collect()
}

/// Editing keys, listed in the help overlay of form screens.
pub(crate) const EDITING: [(&str, &str); 6] = [
    ("← → Home End", "move the cursor"),
    ("Backspace Del", "delete a character"),
    ("Ctrl-W", "delete the word before the cursor"),
    ("Ctrl-U", "clear the field"),
    ("Ctrl-K", "delete to the end"),
    ("Ctrl-A Ctrl-E", "start / end of the field"),
];
