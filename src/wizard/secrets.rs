//! Step 2: the provider's settings form, the keyring's answers (what is
//! stored, what was stored) and the credential check that follows a save.

use super::{Busy, CallError, Effect, Level, Msg, PICKABLE, Step, Stored, Task, Wizard};
use crate::providers::outcome::CredentialReport;
use crate::secrets::StoreError;
use crate::settings::Source;

/// The last credential check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CredentialCheck {
    pub(crate) provider: String,
    pub(crate) result: Result<CredentialReport, CallError>,
}

impl Wizard {
    /// Whether the settings of the chosen provider are complete and valid.
    pub(crate) fn settings_complete(&self) -> bool {
        match (self.provider(), &self.form) {
            (Some(p), Some(f)) => f.blocking(p).is_empty(),
            _ => false,
        }
    }

    /// Whether the secret `name` of `provider` is kept in memory only.
    pub(crate) fn is_kept(&self, provider: &str, name: &str) -> bool {
        self.kept.iter().any(|(p, n)| p == provider && n == name)
    }

    /// Where stored secrets go, for people: the OS keyring, or memory (a
    /// sandbox without a keyring).
    pub(crate) fn secret_home(&self) -> &'static str {
        match &self.sandbox {
            Some(s) if s.memory_only.is_some() => "memory (no keyring)",
            _ => "the OS keyring",
        }
    }

    /// The same, short, for a field's status: "the keyring" or "memory".
    pub(crate) fn secret_home_short(&self) -> &'static str {
        match &self.sandbox {
            Some(s) if s.memory_only.is_some() => "memory",
            _ => "the keyring",
        }
    }

    /// The keyring service the secrets go to.
    pub(crate) fn keyring_service(&self) -> &'static str {
        if self.sandbox.is_some() {
            crate::secrets::SANDBOX_SERVICE
        } else {
            crate::secrets::SERVICE
        }
    }

    /// Whether secrets are being stored (the form waits for the answer).
    pub(crate) fn storing(&self) -> bool {
        matches!(
            self.busy,
            Some(Busy {
                task: Task::Storing(_),
                ..
            })
        )
    }

    pub(super) fn load(&mut self) -> Option<Effect> {
        let provider = self.form.as_ref()?.provider.clone();
        self.last_op += 1;
        self.busy = Some(Busy {
            op: self.last_op,
            task: Task::Loading,
            ticks: 0,
        });
        Some(Effect::LoadSettings {
            op: self.last_op,
            profile_name: self.profile_name.clone(),
            provider,
            profile: self.profile.clone(),
        })
    }

    pub(super) fn update_secrets(&mut self, msg: Msg) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return self.go(Step::Provider);
        };
        match msg {
            // While the keyring stores what was typed, the form stays as it is.
            _ if matches!(
                self.busy,
                Some(Busy {
                    task: Task::Storing(_),
                    ..
                })
            ) => {}
            Msg::Up | Msg::PrevField => {
                form.focus_prev();
                self.picker = None;
                return self.auto_pick();
            }
            Msg::Down | Msg::NextField => {
                form.focus_next();
                self.picker = None;
                return self.auto_pick();
            }
            Msg::Edit(req) => {
                form.fields[form.focus].edit(req);
                let focus = form.focus;
                // Typing by hand: the list closes; a changed credential
                // lets the lists open by themselves again.
                self.picker = None;
                let listed = self
                    .provider()
                    .is_some_and(|p| PICKABLE.contains(&p.settings[focus].name.as_str()));
                if !listed {
                    self.auto_picked.clear();
                }
                self.refresh_attention();
            }
            Msg::ToggleReveal if form.fields[form.focus].secret => form.reveal = !form.reveal,
            Msg::Reload if self.busy.is_none() => return self.load().into_iter().collect(),
            Msg::KeepInMemory if self.keyring_error.is_some() => {
                return self.submit_secrets_to(true);
            }
            Msg::Pick => return self.open_picker(),
            Msg::Enter => {
                if form.focus + 1 < form.fields.len() {
                    form.focus_next();
                    return self.auto_pick();
                } else {
                    return self.submit_secrets();
                }
            }
            _ => {}
        }
        vec![]
    }

    /// The "N fields need attention" notice follows the fields as they are
    /// fixed, and goes once none needs attention.
    fn refresh_attention(&mut self) {
        let stale = self.notice.as_ref().is_some_and(|n| {
            n.level == Level::Error && n.text.contains("attention before you can continue")
        });
        if !stale {
            return;
        }
        let n = match (self.provider(), self.form.as_ref()) {
            (Some(p), Some(f)) => f.blocking(p).len(),
            _ => 0,
        };
        if n == 0 {
            self.notice(
                Level::Info,
                "Every field is fine now: Ctrl-N (or Enter on the last field) saves and continues.",
            );
        } else {
            self.notice(Level::Error, attention(n));
        }
    }

    pub(super) fn submit_secrets(&mut self) -> Vec<Effect> {
        self.submit_secrets_to(false)
    }

    /// Save the form: secrets to the keyring, or (`memory`) kept in memory
    /// for this session.
    fn submit_secrets_to(&mut self, memory: bool) -> Vec<Effect> {
        if matches!(
            self.busy,
            Some(Busy {
                task: Task::Storing(_),
                ..
            })
        ) {
            return vec![];
        }
        let loading = self.busy.is_some();
        let (Some(provider), Some(form)) = (self.provider(), self.form.as_mut()) else {
            return self.go(Step::Provider);
        };
        let blocking = form.blocking(provider);
        if loading && !blocking.is_empty() {
            // What is stored is not known yet: continue once it is.
            self.submit_when_loaded = true;
            self.notice(
                Level::Info,
                "Checking the keyring for stored values first; continuing by itself…",
            );
            return vec![];
        }
        if let Some(&first) = blocking.first() {
            form.show_missing = true;
            form.focus = first;
            form.reveal = false;
            self.notice(Level::Error, attention(blocking.len()));
            // Only a listed field missing: its list opens.
            return self.auto_pick();
        }
        let (saved, secrets) = form.take_submitted(provider);
        if !secrets.is_empty() || self.profile.settings.get(&provider.id) != Some(&saved) {
            // The last test used other settings.
            self.test.result = None;
        }
        self.profile.settings.insert(provider.id.clone(), saved);
        if secrets.is_empty() {
            let mut effects = self.go(Step::TestMessage);
            effects.extend(self.check_credentials());
            return effects;
        }
        self.last_op += 1;
        self.busy = Some(Busy {
            op: self.last_op,
            task: Task::Storing(secrets.iter().map(|(n, _)| n.clone()).collect()),
            ticks: 0,
        });
        self.notice = None;
        self.keeping = memory;
        vec![
            self.save(),
            Effect::StoreSecrets {
                op: self.last_op,
                profile_name: self.profile_name.clone(),
                provider: provider.id.clone(),
                secrets,
                memory,
            },
        ]
    }

    pub(super) fn settings_loaded(
        &mut self,
        op: u64,
        settings: Vec<(String, Stored)>,
        error: Option<StoreError>,
    ) -> Vec<Effect> {
        let Some(busy) = self.busy.as_ref().filter(|b| b.op == op) else {
            return vec![]; // stale: cancelled, or superseded by a newer request
        };
        let tenant = busy.task == Task::LoadingTenant;
        self.busy = None;
        if tenant {
            if let Some(e) = &error {
                self.notice(
                    Level::Error,
                    format!(
                        "Could not read the keyring ({}): {} Ctrl-L checks again.",
                        e.kind(),
                        e.remedy()
                    ),
                );
            }
            self.keyring_error = error;
            return self.tenant_loaded(settings);
        }
        let (Some(provider), Some(form)) = (self.provider(), self.form.as_mut()) else {
            return vec![];
        };
        if error.is_some() {
            // What the keyring holds is not known now (the environment may
            // still answer, below).
            for (i, s) in provider.settings.iter().enumerate() {
                if s.secret {
                    form.stored[i] = Stored::UNKNOWN;
                }
            }
        }
        for (name, stored) in settings {
            if let Some(i) = provider.settings.iter().position(|s| s.name == name) {
                form.stored[i] = stored;
            }
        }
        if let Some(e) = &error {
            self.notice(
                Level::Error,
                format!(
                    "Could not read the keyring ({}): what to do is in the box above.",
                    e.kind()
                ),
            );
        } else if self.keyring_error.is_some()
            && self
                .notice
                .as_ref()
                .is_some_and(|n| n.level == Level::Error)
        {
            self.notice(Level::Info, "The keyring answers again.");
        }
        let failed = error.is_some();
        self.keyring_error = error;
        if std::mem::take(&mut self.submit_when_loaded) && !failed && self.step == Step::Secrets {
            // Ctrl-N came while the keyring was asked: carry it out now.
            return self.submit_secrets();
        }
        if self.step == Step::Tenant && self.tenant.form.is_none() {
            // Resumed on the tenant step: now its connection.
            return self.enter_tenant();
        }
        vec![]
    }

    pub(super) fn secrets_stored(
        &mut self,
        op: u64,
        result: Result<(), StoreError>,
    ) -> Vec<Effect> {
        let (names, tenant) = match &self.busy {
            Some(Busy {
                op: o,
                task: Task::Storing(names),
                ..
            }) if *o == op => (names.clone(), false),
            Some(Busy {
                op: o,
                task: Task::StoringTenant(names),
                ..
            }) if *o == op => (names.clone(), true),
            _ => return vec![], // stale
        };
        self.busy = None;
        if let Err(e) = result {
            self.keeping = false;
            self.keyring_error = Some(e.clone());
            self.notice(
                Level::Error,
                match e {
                    StoreError::Timeout(_) => "The keyring did not confirm in time: the secrets may or may not be stored. Your input is still here; what to do is in the box above.".to_string(),
                    _ => format!(
                        "Not stored (keyring {}): your input is still here. What to do is in the box above.",
                        e.kind()
                    ),
                },
            );
            return vec![];
        }
        self.keyring_error = None;
        if tenant {
            let effects = self.tenant_stored(&names);
            let text = if self
                .sandbox
                .as_ref()
                .is_some_and(|s| s.memory_only.is_some())
            {
                "Stored the client secret in memory for this session (no keyring); checking the tenant…".to_string()
            } else {
                format!(
                    "Stored the client secret in the OS keyring (service {}, user {}/auth0/NAME); checking the tenant…",
                    self.keyring_service(),
                    self.profile_name
                )
            };
            self.notice(Level::Info, text);
            return effects;
        }
        let Some(provider) = self.provider() else {
            return vec![];
        };
        let keeping = std::mem::take(&mut self.keeping);
        let id = provider.id.clone();
        self.kept.retain(|(p, n)| !(p == &id && names.contains(n)));
        if keeping {
            self.kept
                .extend(names.iter().map(|n| (id.clone(), n.clone())));
        }
        let Some(form) = self.form.as_mut() else {
            return vec![];
        };
        let mut shadowed = Vec::new();
        for name in &names {
            if let Some(i) = provider.settings.iter().position(|s| &s.name == name) {
                form.fields[i].clear();
                if form.stored[i].source == Source::Environment {
                    shadowed.push(crate::settings::env_var(name));
                } else {
                    form.stored[i] = Stored {
                        source: Source::Keyring,
                        check: crate::providers::Validation::Ok,
                    };
                }
            }
        }
        let mut effects = self.go(Step::TestMessage);
        effects.extend(self.check_credentials());
        let n = names.len();
        let mut text = if keeping {
            format!(
                "Kept {n} secret{} in memory for this session only: nothing was written, and {} gone when you quit. The test, the checklist and the tenant fix use {}.",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it is" } else { "they are" },
                if n == 1 { "it" } else { "them" }
            )
        } else if self
            .sandbox
            .as_ref()
            .is_some_and(|s| s.memory_only.is_some())
        {
            format!(
                "Stored {n} secret{} in memory for this session (no keyring): gone when you quit.",
                if n == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "Stored {n} secret{} in the OS keyring (service {}, user {}/{}/NAME).",
                if n == 1 { "" } else { "s" },
                self.keyring_service(),
                self.profile_name,
                provider.id
            )
        };
        if !shadowed.is_empty() {
            text.push_str(&format!(
                " The environment still wins: {} is set.",
                shadowed.join(", ")
            ));
        }
        self.notice(Level::Info, text);
        effects
    }

    /// The runtime's answer to [`Effect::CheckCredentials`]; stale ones are
    /// dropped. Accepted while step 2 is on screen with a listed field
    /// still empty: its list opens.
    pub(super) fn credentials_checked(
        &mut self,
        op: u64,
        result: Result<CredentialReport, CallError>,
    ) -> Vec<Effect> {
        if self.checking_credentials != Some(op) {
            return vec![];
        }
        self.checking_credentials = None;
        let accepted = result.is_ok();
        if let Some(p) = self.provider() {
            self.credentials = Some(CredentialCheck {
                provider: p.id.clone(),
                result,
            });
        }
        if accepted { self.auto_pick() } else { vec![] }
    }

    /// Check the credentials in the background (after they are saved).
    fn check_credentials(&mut self) -> Vec<Effect> {
        let Some(call) = self.call() else {
            return vec![];
        };
        let op = self.next_op();
        self.checking_credentials = Some(op);
        self.credentials = None;
        vec![Effect::CheckCredentials { op, call }]
    }
}

/// "2 fields need attention before you can continue."
fn attention(n: usize) -> String {
    format!(
        "{n} field{} need{} attention before you can continue.",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" }
    )
}
