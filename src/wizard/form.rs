//! Text fields and the provider settings form. Pure data and validation.

use crate::providers::{Provider, Required, Validation, validate};
use crate::settings::{Source, env_var};
use tui_input::{Input, InputRequest};
use zeroize::Zeroize;

/// One editable text value.
#[derive(Clone, Default)]
pub struct TextField {
    pub(crate) input: Input,
    /// Whether the value must never be shown or printed.
    pub(crate) secret: bool,
    /// The value last saved (None: nothing saved yet). Used to tell whether
    /// quitting would lose typed input.
    pub(crate) saved: Option<String>,
}

impl TextField {
    pub(crate) fn new(value: &str, secret: bool) -> TextField {
        TextField {
            input: Input::new(value.to_string()),
            secret,
            saved: (!value.is_empty()).then(|| value.to_string()),
        }
    }

    pub(crate) fn value(&self) -> &str {
        self.input.value()
    }

    pub(crate) fn edit(&mut self, req: InputRequest) {
        self.input.handle(req);
    }

    /// Typed input that is not saved anywhere yet.
    pub(crate) fn unsaved(&self) -> bool {
        self.value() != self.saved.as_deref().unwrap_or("")
    }

    /// Empty the field, wiping a secret's text from memory.
    pub(crate) fn clear(&mut self) {
        let mut v = std::mem::take(&mut self.input).value_and_reset();
        v.zeroize();
        if let Some(mut s) = self.saved.take() {
            s.zeroize();
        }
    }

    pub(crate) fn mark_saved(&mut self) {
        self.saved = (!self.value().is_empty()).then(|| self.value().to_string());
    }
}

impl std::fmt::Debug for TextField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.secret {
            write!(
                f,
                "TextField(<secret, {} chars>)",
                self.value().chars().count()
            )
        } else {
            write!(f, "TextField({:?})", self.value())
        }
    }
}

impl Drop for TextField {
    fn drop(&mut self) {
        if self.secret {
            let mut v = std::mem::take(&mut self.input).value_and_reset();
            v.zeroize();
            if let Some(s) = self.saved.as_mut() {
                s.zeroize();
            }
        }
    }
}

/// What a field's value means right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldState {
    /// Empty and allowed to be.
    Empty,
    /// Empty but needed; the message says why.
    Missing(String),
    Valid,
    Warning(String),
    Invalid(String),
}

impl FieldState {
    pub(crate) fn blocks(&self) -> bool {
        matches!(self, FieldState::Missing(_) | FieldState::Invalid(_))
    }
}

/// What is already stored for a setting, outside the form: where it comes
/// from and how it checks. The value itself never enters the wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub(crate) source: Source,
    pub(crate) check: Validation,
}

impl Stored {
    pub(crate) const UNKNOWN: Stored = Stored {
        source: Source::Unknown,
        check: Validation::Ok,
    };

    /// A value is stored (in the keyring or the environment) and used when
    /// the field is left empty.
    pub(crate) fn present(&self) -> bool {
        matches!(self.source, Source::Keyring | Source::Environment)
    }
}

/// The settings form for one provider: one field per catalog setting.
#[derive(Debug, Clone)]
pub struct SettingsForm {
    pub provider: String,
    pub fields: Vec<TextField>,
    /// Per field: what is stored outside the form (keyring, environment).
    pub(crate) stored: Vec<Stored>,
    pub focus: usize,
    /// Show the focused secret field in clear text. Reset when focus moves.
    pub(crate) reveal: bool,
    /// After a refused Next, empty required fields are flagged too.
    pub(crate) show_missing: bool,
}

impl SettingsForm {
    /// What was typed, split for submitting: the non-secret values for the
    /// profile (marked saved) and the secrets for the keyring. Hides the
    /// secrets again.
    pub(crate) fn take_submitted(
        &mut self,
        provider: &Provider,
    ) -> (
        std::collections::BTreeMap<String, String>,
        Vec<(String, crate::secrets::Secret)>,
    ) {
        let mut saved = std::collections::BTreeMap::new();
        let mut secrets = Vec::new();
        for (setting, field) in provider.settings.iter().zip(self.fields.iter_mut()) {
            if field.value().is_empty() {
                continue;
            }
            if setting.secret {
                secrets.push((
                    setting.name.clone(),
                    crate::secrets::Secret::new(field.value()),
                ));
            } else {
                let value = crate::providers::validate::normalize(setting, field.value());
                if value != field.value() {
                    *field = TextField::new(&value, false);
                }
                saved.insert(setting.name.clone(), value);
                field.mark_saved();
            }
        }
        self.reveal = false;
        (saved, secrets)
    }

    pub(crate) fn new(provider: &Provider, saved: impl Fn(&str) -> Option<String>) -> SettingsForm {
        SettingsForm {
            provider: provider.id.clone(),
            fields: provider
                .settings
                .iter()
                .map(|s| TextField::new(&saved(&s.name).unwrap_or_default(), s.secret))
                .collect(),
            stored: vec![Stored::UNKNOWN; provider.settings.len()],
            focus: 0,
            reveal: false,
            show_missing: false,
        }
    }

    pub(crate) fn focus_next(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len();
        self.reveal = false;
    }

    pub(crate) fn focus_prev(&mut self) {
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        self.reveal = false;
    }

    /// Whether field `i` has a value: typed, or stored outside the form.
    pub(crate) fn present(&self, i: usize) -> bool {
        !self.fields[i].value().is_empty() || self.stored[i].present()
    }

    pub(crate) fn state(&self, provider: &Provider, i: usize) -> FieldState {
        let setting = &provider.settings[i];
        let value = self.fields[i].value();
        let stored = &self.stored[i];
        if value.is_empty() {
            if stored.present() {
                return match &stored.check {
                    Validation::Ok => FieldState::Valid,
                    Validation::Warn(m) => FieldState::Warning(m.clone()),
                    Validation::Error(m) => FieldState::Invalid(format!(
                        "The stored value is not valid: {m} Type a new one."
                    )),
                };
            }
            return match &setting.required {
                Required::No => FieldState::Empty,
                Required::Yes if setting.secret && stored.source == Source::Unknown => {
                    FieldState::Missing(format!(
                        "Required, and the keyring could not be checked: type it, or set {}.",
                        env_var(&setting.name)
                    ))
                }
                Required::Yes => FieldState::Missing(format!(
                    "Required: {}.",
                    setting.help.trim_end_matches('.')
                )),
                Required::OneOf(group) => {
                    let members: Vec<usize> = (0..provider.settings.len())
                        .filter(|&j| {
                            provider.settings[j].required == Required::OneOf(group.clone())
                        })
                        .collect();
                    if members.iter().any(|&j| self.present(j)) {
                        FieldState::Empty
                    } else {
                        let labels: Vec<&str> = members
                            .iter()
                            .map(|&j| provider.settings[j].label.as_str())
                            .collect();
                        FieldState::Missing(format!("Give one of: {}.", labels.join(", ")))
                    }
                }
            };
        }
        match validate(setting, value) {
            Validation::Error(m) => FieldState::Invalid(m),
            _ if stored.source == Source::Environment => FieldState::Warning(format!(
                "{} is set in the environment and wins over what you type here.",
                env_var(&setting.name)
            )),
            Validation::Ok => FieldState::Valid,
            Validation::Warn(m) => FieldState::Warning(m),
        }
    }

    /// Indices of fields that stop the form from being accepted.
    pub(crate) fn blocking(&self, provider: &Provider) -> Vec<usize> {
        (0..self.fields.len())
            .filter(|&i| self.state(provider, i).blocks())
            .collect()
    }

    pub(crate) fn unsaved(&self) -> bool {
        self.fields.iter().any(TextField::unsaved)
    }
}
