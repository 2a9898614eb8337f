//! The step state machine. Pure: no I/O, no terminal. Every input becomes a
//! [`Msg`]; [`Wizard::update`] decides what it means and answers with the
//! [`Effect`]s the runtime must carry out (which answer with more `Msg`s).

mod form;
mod step;

pub use form::{FieldState, SettingsForm, TextField};
pub use step::Step;
pub use tui_input::InputRequest;

use crate::checklist::Checklist;
use crate::config::Profile;
use crate::providers::{Catalog, Provider, validate};

/// The text Auth0 sends by default, used as the test message.
pub const DEFAULT_TEST_TEXT: &str = "Your verification code is 123456";

/// Everything that can happen to the wizard.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Up,
    Down,
    /// Enter: the screen's primary action (select, next field, send, continue).
    Enter,
    /// Continue to the next step, if the current one is complete.
    Next,
    /// Esc: close an overlay, or go back one step.
    Back,
    NextField,
    PrevField,
    Edit(InputRequest),
    /// Show the focused secret field while it is typed (and hide it again).
    ToggleReveal,
    Help,
    /// Open the troubleshooting checklist from any step.
    OpenChecklist,
    Quit,
    /// The answer to a yes/no question (quit without saving).
    Answer(bool),
    /// The runtime's answer to [`Effect::SaveProfile`].
    Saved(Result<(), String>),
}

/// Work for the runtime. Each is a value; the runtime performs it at the edge.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SaveProfile { name: String, profile: Profile },
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    ConfirmQuit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A one-line message under the screen's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

/// The test-message form: recipient and text.
#[derive(Debug, Clone)]
pub struct TestForm {
    pub recipient: TextField,
    pub text: TextField,
    /// 0: recipient, 1: text.
    pub focus: usize,
    /// Whether the user asked to send in this build (which cannot send yet).
    pub send_requested: bool,
    pub show_missing: bool,
}

impl TestForm {
    pub fn recipient_state(&self) -> FieldState {
        match self.recipient.value() {
            "" if self.show_missing => {
                FieldState::Missing("Enter the phone number that should receive the test.".into())
            }
            "" => FieldState::Empty,
            v => match validate::e164(v) {
                Ok(_) => FieldState::Valid,
                Err(e) => FieldState::Invalid(e),
            },
        }
    }

    pub fn text_state(&self) -> FieldState {
        let n = self.text.value().chars().count();
        if n == 0 {
            FieldState::Missing("The message needs some text.".into())
        } else if n > 1600 {
            FieldState::Invalid(format!("At most 1600 characters; this has {n}."))
        } else {
            FieldState::Valid
        }
    }
}

/// The whole state of the wizard.
#[derive(Debug)]
pub struct Wizard {
    pub catalog: &'static Catalog,
    pub checklist: &'static Checklist,
    pub profile_name: String,
    /// What is (or is about to be) on disk.
    pub profile: Profile,
    pub step: Step,
    pub provider_cursor: usize,
    /// The settings form of the chosen provider.
    pub form: Option<SettingsForm>,
    pub test: TestForm,
    pub tenant_cursor: usize,
    pub checklist_cursor: usize,
    /// Set when the checklist was opened as a detour: where Esc returns to.
    pub checklist_return: Option<Step>,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    /// True once the runtime has been asked to quit.
    pub quitting: bool,
}

impl Wizard {
    /// A wizard resuming from a saved profile. `notice` is shown first (for
    /// example that a corrupt profile was moved aside).
    pub fn new(
        catalog: &'static Catalog,
        checklist: &'static Checklist,
        profile_name: &str,
        profile: Profile,
        notice: Option<String>,
    ) -> Wizard {
        let provider_index = profile
            .provider
            .as_deref()
            .and_then(|id| catalog.index_of(id));
        let mut step = profile.step;
        if provider_index.is_none() && step != Step::Provider && step != Step::Checklist {
            // A step past the provider needs a provider; an unknown id (from a
            // newer version, or edited by hand) starts again at the list.
            step = Step::Provider;
        }
        let mut profile = profile;
        profile.step = step;
        let test = TestForm {
            recipient: TextField::new(profile.test_recipient.as_deref().unwrap_or(""), false),
            text: TextField::new(DEFAULT_TEST_TEXT, false),
            focus: 0,
            send_requested: false,
            show_missing: false,
        };
        let mut w = Wizard {
            catalog,
            checklist,
            profile_name: profile_name.to_string(),
            profile,
            step,
            provider_cursor: provider_index.unwrap_or(0),
            form: None,
            test,
            tenant_cursor: 0,
            checklist_cursor: 0,
            checklist_return: None,
            overlay: None,
            notice: notice.map(|text| Notice {
                level: Level::Warn,
                text,
            }),
            quitting: false,
        };
        if let Some(i) = provider_index {
            w.form = Some(w.new_form(i));
        }
        w
    }

    /// The chosen provider, if any.
    pub fn provider(&self) -> Option<&'static Provider> {
        let catalog: &'static Catalog = self.catalog;
        self.form.as_ref().and_then(|f| catalog.get(&f.provider))
    }

    fn new_form(&self, index: usize) -> SettingsForm {
        let provider = &self.catalog.providers[index];
        let saved = self.profile.settings.get(&provider.id);
        SettingsForm::new(provider, |name| {
            let setting = provider.setting(name)?;
            if setting.secret {
                None
            } else {
                saved.and_then(|m| m.get(name).cloned())
            }
        })
    }

    /// Whether a text field has the keyboard (so letters are text, not commands).
    pub fn typing(&self) -> bool {
        self.overlay.is_none() && self.has_text_fields()
    }

    /// Whether the current step is a form of text fields.
    pub fn has_text_fields(&self) -> bool {
        matches!(self.step, Step::Secrets | Step::TestMessage)
    }

    /// Typed input that quitting now would lose.
    pub fn unsaved_input(&self) -> bool {
        self.form.as_ref().is_some_and(SettingsForm::unsaved) || self.test.recipient.unsaved()
    }

    /// Whether the settings of the chosen provider are complete and valid.
    pub fn settings_complete(&self) -> bool {
        match (self.provider(), &self.form) {
            (Some(p), Some(f)) => f.blocking(p).is_empty(),
            _ => false,
        }
    }

    fn notice(&mut self, level: Level, text: impl Into<String>) {
        self.notice = Some(Notice {
            level,
            text: text.into(),
        });
    }

    fn save(&self) -> Effect {
        Effect::SaveProfile {
            name: self.profile_name.clone(),
            profile: self.profile.clone(),
        }
    }

    fn go(&mut self, step: Step) -> Vec<Effect> {
        // Every step but the list and the checklist works on a chosen provider.
        let step = if self.provider().is_none() && !matches!(step, Step::Provider | Step::Checklist)
        {
            Step::Provider
        } else {
            step
        };
        self.step = step;
        self.checklist_return = None;
        self.notice = None;
        self.profile.step = step;
        vec![self.save()]
    }

    /// The one place decisions are made.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Saved(Ok(())) => return vec![],
            Msg::Saved(Err(e)) => {
                self.notice(
                    Level::Error,
                    format!("Could not save progress: {e}. Your input stays in memory; check the disk space and permissions of the config directory."),
                );
                return vec![];
            }
            _ => {}
        }
        if self.quitting {
            return vec![];
        }
        match self.overlay {
            Some(Overlay::Help) => {
                if matches!(msg, Msg::Back | Msg::Help | Msg::Enter | Msg::Quit) {
                    self.overlay = None;
                }
                return vec![];
            }
            Some(Overlay::ConfirmQuit) => {
                return match msg {
                    Msg::Answer(true) => self.quit_now(),
                    Msg::Answer(false) | Msg::Back => {
                        self.overlay = None;
                        vec![]
                    }
                    _ => vec![],
                };
            }
            None => {}
        }
        match msg {
            Msg::Help => {
                self.overlay = Some(Overlay::Help);
                vec![]
            }
            Msg::Quit => {
                if self.unsaved_input() {
                    self.overlay = Some(Overlay::ConfirmQuit);
                    vec![]
                } else {
                    self.quit_now()
                }
            }
            Msg::OpenChecklist => {
                if self.step != Step::Checklist {
                    let from = self.step;
                    self.step = Step::Checklist;
                    self.checklist_cursor = 0;
                    self.checklist_return = Some(from);
                    self.notice = None;
                }
                vec![]
            }
            Msg::Back => self.back(),
            Msg::Next => self.forward(),
            _ => match self.step {
                Step::Provider => self.update_provider(msg),
                Step::Secrets => self.update_secrets(msg),
                Step::TestMessage => self.update_test(msg),
                Step::Tenant => self.update_tenant(msg),
                Step::Checklist => self.update_checklist(msg),
                Step::Done => match msg {
                    Msg::Enter => self.update(Msg::Quit),
                    _ => vec![],
                },
            },
        }
    }

    fn quit_now(&mut self) -> Vec<Effect> {
        self.overlay = None;
        self.quitting = true;
        vec![Effect::Quit]
    }

    fn back(&mut self) -> Vec<Effect> {
        if let Some(from) = self.checklist_return.take() {
            self.step = from;
            return vec![];
        }
        match self.step.prev() {
            Some(prev) => self.go(prev),
            None => {
                self.notice(Level::Info, "This is the first step. Press q to quit.");
                vec![]
            }
        }
    }

    /// Continue to the next step if the current one is complete; otherwise
    /// say what is missing.
    fn forward(&mut self) -> Vec<Effect> {
        if let Some(from) = self.checklist_return.take() {
            // The checklist was a detour: continue where the user came from.
            self.step = from;
            return vec![];
        }
        match self.step {
            Step::Provider => self.choose_provider(),
            Step::Secrets => self.submit_secrets(),
            Step::TestMessage => self.submit_test(),
            Step::Tenant => self.go(Step::Checklist),
            Step::Checklist => self.go(Step::Done),
            Step::Done => vec![],
        }
    }

    fn update_provider(&mut self, msg: Msg) -> Vec<Effect> {
        let n = self.catalog.providers.len();
        match msg {
            Msg::Up | Msg::Down => move_cursor(&mut self.provider_cursor, n, &msg),
            Msg::Enter => return self.choose_provider(),
            _ => {}
        }
        vec![]
    }

    fn choose_provider(&mut self) -> Vec<Effect> {
        let provider = &self.catalog.providers[self.provider_cursor];
        let same = self
            .form
            .as_ref()
            .is_some_and(|f| f.provider == provider.id);
        if !same {
            self.form = Some(self.new_form(self.provider_cursor));
        }
        self.profile.provider = Some(provider.id.clone());
        self.go(Step::Secrets)
    }

    fn update_secrets(&mut self, msg: Msg) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return self.go(Step::Provider);
        };
        match msg {
            Msg::Up | Msg::PrevField => form.focus_prev(),
            Msg::Down | Msg::NextField => form.focus_next(),
            Msg::Edit(req) => form.fields[form.focus].edit(req),
            Msg::ToggleReveal if form.fields[form.focus].secret => form.reveal = !form.reveal,
            Msg::Enter => {
                if form.focus + 1 < form.fields.len() {
                    form.focus_next();
                } else {
                    return self.submit_secrets();
                }
            }
            _ => {}
        }
        vec![]
    }

    fn submit_secrets(&mut self) -> Vec<Effect> {
        let (Some(provider), Some(form)) = (self.provider(), self.form.as_mut()) else {
            return self.go(Step::Provider);
        };
        let blocking = form.blocking(provider);
        if let Some(&first) = blocking.first() {
            form.show_missing = true;
            form.focus = first;
            form.reveal = false;
            let n = blocking.len();
            self.notice(
                Level::Error,
                format!(
                    "{n} field{} need{} attention before you can continue.",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "s" } else { "" }
                ),
            );
            return vec![];
        }
        let mut saved = std::collections::BTreeMap::new();
        for (setting, field) in provider.settings.iter().zip(form.fields.iter_mut()) {
            if !setting.secret && !field.value().is_empty() {
                saved.insert(setting.name.clone(), field.value().to_string());
                field.mark_saved();
            }
        }
        form.reveal = false;
        let has_secret = provider.settings.iter().any(|s| s.secret);
        self.profile.settings.insert(provider.id.clone(), saved);
        let effects = self.go(Step::TestMessage);
        if has_secret {
            self.notice(
                Level::Warn,
                "Secrets stay in memory for this session only: this build has no keyring storage yet.",
            );
        }
        effects
    }

    fn update_test(&mut self, msg: Msg) -> Vec<Effect> {
        let t = &mut self.test;
        match msg {
            Msg::Up | Msg::Down | Msg::NextField | Msg::PrevField => t.focus = 1 - t.focus,
            Msg::Edit(req) => {
                let field = if t.focus == 0 {
                    &mut t.recipient
                } else {
                    &mut t.text
                };
                field.edit(req);
                t.send_requested = false;
            }
            Msg::Enter if t.focus == 0 => t.focus = 1,
            Msg::Enter => return self.send_test(),
            _ => {}
        }
        vec![]
    }

    /// Validate the test form and remember the recipient. The message itself
    /// cannot be sent by this build, and the screen says so.
    fn send_test(&mut self) -> Vec<Effect> {
        self.test.show_missing = true;
        if self.test.recipient_state().blocks() {
            self.test.focus = 0;
            self.notice(Level::Error, "Fix the recipient number first.");
            return vec![];
        }
        if self.test.text_state().blocks() {
            self.test.focus = 1;
            self.notice(Level::Error, "Fix the message text first.");
            return vec![];
        }
        self.test.send_requested = true;
        self.notice(
            Level::Warn,
            "Sending is not available in this build: nothing was sent. Ctrl-N continues without a test.",
        );
        self.remember_recipient()
    }

    fn remember_recipient(&mut self) -> Vec<Effect> {
        let r = self.test.recipient.value().to_string();
        if self.profile.test_recipient.as_deref() == Some(&r) {
            return vec![];
        }
        self.profile.test_recipient = Some(r);
        self.test.recipient.mark_saved();
        vec![self.save()]
    }

    fn submit_test(&mut self) -> Vec<Effect> {
        self.test.show_missing = true;
        if self.test.recipient_state().blocks() {
            self.test.focus = 0;
            self.notice(
                Level::Error,
                "Enter a valid test recipient first: the checklist and later checks use it.",
            );
            return vec![];
        }
        let mut effects = self.remember_recipient();
        effects.extend(self.go(Step::Tenant));
        effects
    }

    fn update_tenant(&mut self, msg: Msg) -> Vec<Effect> {
        let n = crate::checklist::TENANT_CHECKS.len();
        match msg {
            Msg::Up | Msg::Down => move_cursor(&mut self.tenant_cursor, n, &msg),
            Msg::Enter => return self.forward(),
            _ => {}
        }
        vec![]
    }

    fn update_checklist(&mut self, msg: Msg) -> Vec<Effect> {
        let n = self.checklist.items.len();
        match msg {
            Msg::Up | Msg::Down => move_cursor(&mut self.checklist_cursor, n, &msg),
            Msg::Enter => return self.forward(),
            _ => {}
        }
        vec![]
    }
}

/// Move a list cursor up or down, wrapping at both ends.
fn move_cursor(cursor: &mut usize, len: usize, msg: &Msg) {
    *cursor = match msg {
        Msg::Up => (*cursor + len - 1) % len,
        _ => (*cursor + 1) % len,
    };
}
