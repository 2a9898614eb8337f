//! Step 1: the list of providers.

use super::{Effect, Msg, SettingsForm, Step, Wizard};
use crate::providers::{Catalog, Provider};

impl Wizard {
    /// The chosen provider, if any.
    pub fn provider(&self) -> Option<&'static Provider> {
        let catalog: &'static Catalog = self.catalog;
        self.form.as_ref().and_then(|f| catalog.get(&f.provider))
    }

    pub(super) fn new_form(&self, index: usize) -> SettingsForm {
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

    pub(super) fn update_provider(&mut self, msg: Msg) -> Vec<Effect> {
        let n = self.catalog.providers.len();
        match msg {
            Msg::Up | Msg::Down => super::move_cursor(&mut self.provider_cursor, n, &msg),
            Msg::Enter => return self.choose_provider(),
            _ => {}
        }
        vec![]
    }

    pub(super) fn choose_provider(&mut self) -> Vec<Effect> {
        let provider = &self.catalog.providers[self.provider_cursor];
        let same = self
            .form
            .as_ref()
            .is_some_and(|f| f.provider == provider.id);
        if !same {
            self.form = Some(self.new_form(self.provider_cursor));
            // The last test was another provider's.
            self.test.result = None;
            self.credentials = None;
        }
        self.profile.provider = Some(provider.id.clone());
        self.go(Step::Secrets)
    }
}
