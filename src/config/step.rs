//! The wizard's steps, in order.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    #[default]
    Provider,
    Secrets,
    TestMessage,
    Tenant,
    Checklist,
    Done,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Provider,
        Step::Secrets,
        Step::TestMessage,
        Step::Tenant,
        Step::Checklist,
        Step::Done,
    ];

    /// How many numbered steps the wizard has (Done is not numbered).
    pub const COUNT: usize = 5;

    /// 1-based position, None for Done.
    pub(crate) fn number(self) -> Option<usize> {
        match self {
            Step::Done => None,
            s => Some(s as usize + 1),
        }
    }

    pub(crate) fn title(self) -> &'static str {
        match self {
            Step::Provider => "Choose the SMS provider",
            Step::Secrets => "Provider credentials",
            Step::TestMessage => "Send a test message",
            Step::Tenant => "Check the Auth0 tenant",
            Step::Checklist => "Troubleshooting checklist",
            Step::Done => "Done",
        }
    }

    pub(crate) fn short(self) -> &'static str {
        match self {
            Step::Provider => "Provider",
            Step::Secrets => "Secrets",
            Step::TestMessage => "Test",
            Step::Tenant => "Tenant",
            Step::Checklist => "Checklist",
            Step::Done => "Done",
        }
    }

    pub(crate) fn prev(self) -> Option<Step> {
        (self as usize).checked_sub(1).map(|i| Step::ALL[i])
    }
}
