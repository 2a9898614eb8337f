//! The code overlay (Ctrl-O): the generated Action code, after a
//! successful test.

use super::{Effect, Level, Msg, Overlay, Wizard};

/// The code view: which trigger's Action, scrolled how far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CodeView {
    pub(crate) target: crate::codegen::Target,
    pub(crate) scroll: u16,
}

impl Wizard {
    /// The Action code for the chosen provider and the view's trigger, with
    /// the API base URL the apply deploys (the environment's override, else
    /// the profile's).
    pub(crate) fn code(&self) -> Option<Result<String, String>> {
        let p = self.provider()?;
        let env = |name: &str| self.env_overrides.get(name).cloned();
        let base = crate::settings::base_override(p, &self.profile, &env);
        Some(crate::codegen::render(
            p,
            self.code_view.target,
            base.as_deref(),
        ))
    }

    pub(super) fn open_code(&mut self) -> Vec<Effect> {
        if self.provider().is_none() {
            self.notice(Level::Info, "Choose a provider first (step 1).");
        } else if !self.test_accepted() {
            self.notice(
                Level::Info,
                "Send a test message first (step 3): the code is shown once the provider has accepted one with these settings.",
            );
        } else {
            self.overlay = Some(Overlay::Code);
            self.notice = None;
            self.code_view.scroll = 0;
            // Once the tenant was checked, show the code for its trigger.
            if let Some(g) = self.tenant.generation() {
                self.code_view.target = crate::auth0::plan::target(g);
            }
        }
        vec![]
    }

    fn scroll(&mut self, by: i32) -> Vec<Effect> {
        let lines = self
            .code()
            .and_then(Result::ok)
            .map_or(0, |c| c.lines().count()) as i32;
        let next = (self.code_view.scroll as i32 + by).clamp(0, (lines - 1).max(0));
        self.code_view.scroll = next as u16;
        vec![]
    }

    fn write_code(&mut self) -> Vec<Effect> {
        let (Some(p), Some(Ok(code))) = (self.provider(), self.code()) else {
            return vec![];
        };
        let file_name = format!(
            "{}-{}-{}.js",
            self.profile_name,
            p.id,
            self.code_view.target.id()
        );
        vec![Effect::WriteCode { file_name, code }]
    }

    /// A key while the code is shown.
    pub(super) fn update_code(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Back | Msg::OpenCode => {
                self.overlay = None;
                vec![]
            }
            Msg::Quit => {
                self.overlay = None;
                self.update(Msg::Quit)
            }
            Msg::Up => self.scroll(-1),
            Msg::Down => self.scroll(1),
            Msg::Scroll(n) => self.scroll(n),
            Msg::SwitchTarget | Msg::NextField | Msg::PrevField => {
                use crate::codegen::Target;
                self.code_view.target = match self.code_view.target {
                    Target::CustomPhoneProvider => Target::SendPhoneMessage,
                    Target::SendPhoneMessage => Target::CustomPhoneProvider,
                };
                self.code_view.scroll = 0;
                vec![]
            }
            Msg::WriteCode => self.write_code(),
            _ => vec![],
        }
    }

    /// The runtime's answer to [`Effect::WriteCode`].
    pub(super) fn code_written(&mut self, result: Result<std::path::PathBuf, String>) {
        match result {
            Ok(path) => self.notice(Level::Info, format!("Code written to {}.", path.display())),
            Err(e) => self.notice(
                Level::Error,
                format!("Could not write the code: {e}. Check the data directory's permissions and free space."),
            ),
        }
    }
}
