//! Step 2's pickers: a sender field (a Twilio number, Messaging Service or
//! Verify service, a Vonage number, an Esendex account reference) lists what
//! the account has, with the credentials as typed. The list opens by itself
//! once the credentials are there and the field needs a value (see
//! [`Wizard::auto_pick`]), and on Ctrl-F (again: refresh). Enter puts the
//! chosen value into the field; typing goes to the field (and closes the
//! list), Esc closes it. Pure: the listing is [`Effect::ListSenders`],
//! answered by [`Msg::SendersListed`].

use super::{Effect, Level, Msg, ProviderCall, Step, TextField, Wizard};
use crate::providers::clients::{Choice, Senders};
use crate::secrets::Secret;

/// The settings a provider's API can list values for.
pub(crate) const PICKABLE: [&str; 5] = [
    "TWILIO_PHONE_NUMBER",
    "TWILIO_MESSAGING_SERVICE_SID",
    "TWILIO_VERIFY_SERVICE_SID",
    "VONAGE_FROM_NUMBER",
    "ESENDEX_ACCOUNT",
];

/// A list on screen for one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub(crate) setting: String,
    pub op: u64,
    pub(crate) loading: bool,
    pub(crate) choices: Vec<Choice>,
    pub(crate) notes: Vec<String>,
    pub(crate) error: Option<String>,
    pub(crate) cursor: usize,
    /// Spinner frames while it loads.
    pub(crate) ticks: u64,
}

impl Wizard {
    /// Ctrl-F on step 2: list values for the focused field (again: refresh).
    pub(super) fn open_picker(&mut self) -> Vec<Effect> {
        let (Some(p), Some(form)) = (self.provider(), self.form.as_ref()) else {
            return vec![];
        };
        let name = p.settings[form.focus].name.clone();
        if !PICKABLE.contains(&name.as_str()) {
            let here: Vec<&str> = p
                .settings
                .iter()
                .map(|s| s.name.as_str())
                .filter(|n| PICKABLE.contains(n))
                .collect();
            let text = if here.is_empty() {
                format!(
                    "{}'s API lists no senders for an account: type the value by hand.",
                    p.name
                )
            } else {
                format!("Ctrl-F lists the account's values for {}.", here.join(", "))
            };
            self.notice(Level::Info, text);
            return vec![];
        }
        let typed: Vec<(String, Secret)> = p
            .settings
            .iter()
            .zip(&form.fields)
            .filter(|(_, f)| !f.value().is_empty())
            .map(|(s, f)| (s.name.clone(), Secret::new(f.value())))
            .collect();
        let provider = p.id.clone();
        let op = self.next_op();
        self.picker = Some(Picker {
            setting: name,
            op,
            loading: true,
            choices: vec![],
            notes: vec![],
            error: None,
            cursor: 0,
            ticks: 0,
        });
        vec![Effect::ListSenders {
            op,
            call: ProviderCall {
                profile_name: self.profile_name.clone(),
                provider,
                profile: self.profile.clone(),
            },
            typed,
        }]
    }

    /// Open the list by itself: on step 2, when the focused field is one an
    /// API lists and it still needs a value, and nothing else stops the
    /// form (the credentials are typed or stored, and valid). Once per
    /// field until a credential changes, so Esc (typing by hand) sticks.
    pub(super) fn auto_pick(&mut self) -> Vec<Effect> {
        if self.step != Step::Secrets || self.picker.is_some() || self.storing() {
            return vec![];
        }
        let (Some(p), Some(form)) = (self.provider(), self.form.as_ref()) else {
            return vec![];
        };
        let blocking = form.blocking(p);
        let pickable = |i: &usize| PICKABLE.contains(&p.settings[*i].name.as_str());
        if !blocking.contains(&form.focus) || !blocking.iter().all(pickable) {
            return vec![];
        }
        let key = format!("{}/{}", p.id, p.settings[form.focus].name);
        if self.auto_picked.contains(&key) {
            return vec![];
        }
        self.auto_picked.push(key);
        self.open_picker()
    }

    /// The runtime's answer to [`Effect::ListSenders`].
    pub(super) fn senders_listed(&mut self, op: u64, result: Result<Senders, String>) {
        let Some(p) = self.picker.as_mut().filter(|p| p.op == op) else {
            return; // closed, or an older list
        };
        p.loading = false;
        match result {
            Ok(s) => {
                p.choices = s
                    .choices
                    .into_iter()
                    .filter(|c| c.setting == p.setting)
                    .collect();
                p.notes = s.notes;
                p.cursor = p.choices.iter().position(|c| c.usable).unwrap_or(0);
            }
            Err(e) => p.error = Some(e),
        }
    }

    /// Keys while a list is open: ↑↓ choose, Enter takes it, Esc closes,
    /// Ctrl-F lists again (typing and Tab go to the form, see
    /// `update_secrets`).
    pub(super) fn update_picker(&mut self, msg: Msg) -> Vec<Effect> {
        let Some(p) = self.picker.as_mut() else {
            return vec![];
        };
        let n = p.choices.len();
        match msg {
            Msg::Up if n > 0 => p.cursor = (p.cursor + n - 1) % n,
            Msg::Down if n > 0 => p.cursor = (p.cursor + 1) % n,
            Msg::Pick => return self.open_picker(),
            Msg::Back => self.picker = None,
            Msg::Enter if n > 0 => {
                let choice = p.choices[p.cursor].clone();
                self.picker = None;
                let (Some(pr), Some(form)) = (self.provider(), self.form.as_mut()) else {
                    return vec![];
                };
                if let Some(i) = pr.settings.iter().position(|s| s.name == choice.setting) {
                    let mut field = TextField::new("", false);
                    for ch in choice.value.chars() {
                        field.edit(super::InputRequest::InsertChar(ch));
                    }
                    form.fields[i] = field;
                    form.focus = i;
                }
                if choice.usable {
                    self.notice(
                        Level::Info,
                        format!("{} = {} ({}).", choice.setting, choice.value, choice.label),
                    );
                } else {
                    self.notice(
                        Level::Warn,
                        format!(
                            "{} will not work: {}.",
                            choice.value,
                            choice
                                .note
                                .as_deref()
                                .unwrap_or("the provider marks it unusable")
                        ),
                    );
                }
            }
            Msg::Enter => self.picker = None,
            _ => {}
        }
        vec![]
    }
}
