//! The screen before the wizard when more than one profile exists and
//! `--profile` (or SMS_MFA_PROFILE) was not given: the profiles as
//! `sms-mfa profiles` lists them, Enter continues with one, `n` names a new
//! one. The wizard is built for one profile, so this runs first, on its
//! own (main). Pure: keys in, the choice out.

use super::{InputRequest, TextField};
use crate::config;

/// One profile, as the list shows it (plain data: main fills it from
/// `sms-mfa profiles`' rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRow {
    pub name: String,
    /// The tenant domain, if connected.
    pub tenant: Option<String>,
    /// "Unified Phone Experience" or "classic", once checked.
    pub generation: Option<String>,
    pub provider: Option<String>,
    /// The wizard's step, in words.
    pub step: String,
    /// The last check, in words ("doctor passed 2026-…", "never checked").
    pub last_check: String,
}

/// A key on the chooser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChooserMsg {
    Up,
    Down,
    Enter,
    /// `n`: name a new profile.
    New,
    /// Esc: close the name field, or quit.
    Back,
    /// Ctrl-C (and `q` on the list).
    Quit,
    Edit(InputRequest),
}

/// What the user chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// An existing profile.
    Profile(String),
    /// A new profile of this (valid, unused) name.
    New(String),
    Quit,
}

/// The chooser's state.
#[derive(Debug)]
pub struct Chooser {
    pub(crate) rows: Vec<ProfileRow>,
    pub(crate) cursor: usize,
    /// The new profile's name, while it is typed.
    pub(crate) naming: Option<TextField>,
    /// Why the name typed was refused.
    pub(crate) error: Option<String>,
}

impl Chooser {
    /// The list, the cursor on `current` (the default profile) if listed.
    pub fn new(rows: Vec<ProfileRow>, current: &str) -> Chooser {
        let cursor = rows.iter().position(|r| r.name == current).unwrap_or(0);
        Chooser {
            rows,
            cursor,
            naming: None,
            error: None,
        }
    }

    /// Whether a text field has the keyboard (letters are text).
    pub(crate) fn typing(&self) -> bool {
        self.naming.is_some()
    }

    /// One key; `Some` once the user has chosen.
    pub fn update(&mut self, msg: ChooserMsg) -> Option<Chosen> {
        if msg == ChooserMsg::Quit {
            return Some(Chosen::Quit);
        }
        if let Some(field) = self.naming.as_mut() {
            match msg {
                ChooserMsg::Edit(req) => {
                    field.edit(req);
                    self.error = None;
                }
                ChooserMsg::Back => {
                    self.naming = None;
                    self.error = None;
                }
                ChooserMsg::Enter => {
                    let name = field.value().trim().to_string();
                    if let Err(e) = config::check_profile_name(&name) {
                        self.error = Some(e.to_string());
                    } else if self.rows.iter().any(|r| r.name == name) {
                        self.error = Some(format!(
                            "A profile named {name} exists: Esc, then choose it from the list."
                        ));
                    } else {
                        return Some(Chosen::New(name));
                    }
                }
                _ => {}
            }
            return None;
        }
        let n = self.rows.len();
        match msg {
            ChooserMsg::Up if n > 0 => self.cursor = (self.cursor + n - 1) % n,
            ChooserMsg::Down if n > 0 => self.cursor = (self.cursor + 1) % n,
            ChooserMsg::Enter if n > 0 => {
                return Some(Chosen::Profile(self.rows[self.cursor].name.clone()));
            }
            ChooserMsg::New => self.naming = Some(TextField::new("", false)),
            ChooserMsg::Back => return Some(Chosen::Quit),
            _ => {}
        }
        None
    }
}
