//! The troubleshooting checklist as data (`assets/checklist.toml`): every
//! check's id, category, title, explanation, how to look by hand and the
//! fix. What each check finds is the doctor's work ([`crate::doctor`]).

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

pub(crate) const CHECKLIST_TOML: &str = include_str!("../../assets/checklist.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    #[serde(rename = "item")]
    pub items: Vec<Item>,
}

/// The categories, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Category {
    #[serde(rename = "provider credentials")]
    ProviderCredentials,
    #[serde(rename = "test message")]
    TestMessage,
    #[serde(rename = "tenant configuration")]
    TenantConfiguration,
    #[serde(rename = "sending code")]
    SendingCode,
    #[serde(rename = "recent failures")]
    RecentFailures,
}

impl Category {
    pub(crate) const ALL: [Category; 5] = [
        Category::ProviderCredentials,
        Category::TestMessage,
        Category::TenantConfiguration,
        Category::SendingCode,
        Category::RecentFailures,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Category::ProviderCredentials => "Provider credentials",
            Category::TestMessage => "Test message",
            Category::TenantConfiguration => "Tenant configuration",
            Category::SendingCode => "Sending code",
            Category::RecentFailures => "Recent failures",
        }
    }
}

/// What the wizard's `a` key does about a check that did not pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAction {
    /// Plan the tenant fix (step 4), applied only after a confirmation.
    TenantPlan,
    /// Go to step 2.
    Secrets,
    /// Go to step 3.
    TestMessage,
    /// Go to step 4's connection.
    Tenant,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub(crate) category: Category,
    pub(crate) title: String,
    pub explain: String,
    pub how: String,
    /// What to do when the check does not pass.
    pub fix: String,
    #[serde(default)]
    pub(crate) action: Option<FixAction>,
    /// The command that applies (or checks) the fix from a shell.
    #[serde(default)]
    pub command: Option<String>,
    /// The seeds the item comes from (file name prefixes).
    pub(crate) source: Vec<String>,
}

impl Checklist {
    pub fn builtin() -> &'static Checklist {
        static LIST: OnceLock<Checklist> = OnceLock::new();
        LIST.get_or_init(|| Checklist::parse(CHECKLIST_TOML).expect("embedded checklist"))
    }

    pub(crate) fn parse(text: &str) -> Result<Checklist, String> {
        let list: Checklist = toml::from_str(text).map_err(|e| e.to_string())?;
        if list.items.is_empty() {
            return Err("the checklist has no items".into());
        }
        let mut ids = std::collections::HashSet::new();
        for item in &list.items {
            if !ids.insert(item.id.as_str()) {
                return Err(format!("duplicate checklist id {}", item.id));
            }
        }
        if list.items.windows(2).any(|w| w[0].category > w[1].category) {
            return Err("the checklist's items must be grouped by category, in order".into());
        }
        Ok(list)
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }
}
