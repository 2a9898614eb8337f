//! The provider catalog: which providers exist, which settings each needs,
//! what a valid value looks like and where to find it.

use super::kind::Kind;
use super::outcome::{ErrorClass, KnownError};
use regex::Regex;
use serde::Deserialize;
use std::sync::OnceLock;

/// The catalog as shipped, embedded in the binary.
pub(crate) const CATALOG_TOML: &str = include_str!("../../assets/providers.toml");

#[derive(Debug, Clone)]
pub struct Catalog {
    pub providers: Vec<Provider>,
    /// The tenant's own settings (the Auth0 Management API client), kept
    /// like a provider's: secrets in the keyring, the rest in the profile.
    pub tenant: Option<Provider>,
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    /// What code sends through it: given at load time from the id, for
    /// every `[[provider]]`; `None` only for the tenant's settings group,
    /// which is kept like a provider's but sends nothing.
    pub kind: Option<Kind>,
    pub name: String,
    pub description: String,
    pub console: String,
    pub settings: Vec<Setting>,
    /// The default API base URL ("" when a setting must give it).
    pub base_url: String,
    /// The setting that overrides the base URL.
    pub base_setting: Option<String>,
    /// The provider's known error codes.
    pub errors: Vec<KnownError>,
}

#[derive(Debug, Clone)]
pub struct Setting {
    pub name: String,
    pub label: String,
    pub secret: bool,
    pub required: Required,
    pub(crate) format: Format,
    pub(crate) expect: String,
    pub example: String,
    pub help: String,
    /// Known mix-ups: a value matching the pattern is refused with the message.
    pub(crate) reject: Vec<(LazyRegex, String)>,
}

/// A regular expression compiled the first time it is used.
#[derive(Clone)]
pub struct LazyRegex {
    pattern: String,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    fn new(pattern: &str) -> LazyRegex {
        LazyRegex {
            pattern: pattern.to_string(),
            compiled: OnceLock::new(),
        }
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                Regex::new(&self.pattern).expect("pattern checked when the catalog was parsed")
            })
            .is_match(text)
    }
}

impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Regex({:?})", self.pattern)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Required {
    Yes,
    No,
    /// At least one setting of the named group must have a value.
    OneOf(String),
}

#[derive(Debug, Clone)]
pub enum Format {
    /// Compiled on first use, so that start-up does not pay for it.
    Regex(LazyRegex),
    E164,
    /// An E.164 number or an alphanumeric sender id (up to 11 characters).
    Sender,
    /// An https URL; plain http only for a loopback host. Another host than
    /// `host_suffix` is accepted with a warning.
    HttpsUrl {
        host_suffix: Option<String>,
    },
    Text,
    /// The tenant's canonical `*.auth0.com` domain; a pasted URL of it is
    /// accepted (and stored as the domain), a custom domain explained.
    TenantDomain,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the provider catalog is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("provider {provider}, setting {setting}: {problem}")]
    Setting {
        provider: String,
        setting: String,
        problem: String,
    },
    #[error("provider {0}: {1}")]
    Provider(String, String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    provider: Vec<RawProvider>,
    #[serde(default)]
    tenant: Option<RawProvider>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    id: String,
    name: String,
    description: String,
    console: String,
    setting: Vec<RawSetting>,
    #[serde(default)]
    base_url: String,
    #[serde(default)]
    base_setting: Option<String>,
    #[serde(default)]
    error: Vec<RawError>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawError {
    code: String,
    class: String,
    meaning: String,
    #[serde(default)]
    fix: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSetting {
    name: String,
    label: String,
    secret: bool,
    required: String,
    format: String,
    #[serde(default)]
    host_suffix: Option<String>,
    expect: String,
    example: String,
    help: String,
    #[serde(default)]
    reject: Vec<RawReject>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReject {
    pattern: String,
    message: String,
}

impl Catalog {
    /// The embedded catalog. It is checked by the test suite, so failing to
    /// parse it here is a build defect, not a user error.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let catalog = Catalog::parse(CATALOG_TOML).expect("embedded provider catalog");
            catalog.complete().expect("embedded provider catalog");
            catalog
        })
    }

    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let raw: RawCatalog = toml::from_str(text)?;
        let providers = raw
            .provider
            .into_iter()
            .map(|p| {
                let kind = Kind::parse(&p.id).ok_or_else(|| {
                    CatalogError::Provider(
                        p.id.clone(),
                        "no provider kind has this id: add a variant to providers::Kind \
                         (src/providers/kind.rs)"
                            .into(),
                    )
                })?;
                parse_provider(p, Some(kind))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tenant = raw.tenant.map(|t| parse_provider(t, None)).transpose()?;
        let catalog = Catalog { providers, tenant };
        catalog.check()?;
        Ok(catalog)
    }
}

fn parse_provider(p: RawProvider, kind: Option<Kind>) -> Result<Provider, CatalogError> {
    let mut settings = Vec::with_capacity(p.setting.len());
    for s in p.setting {
        let err = |problem: String| CatalogError::Setting {
            provider: p.id.clone(),
            setting: s.name.clone(),
            problem,
        };
        let required = match s.required.as_str() {
            "yes" => Required::Yes,
            "no" => Required::No,
            other => match other.strip_prefix("one-of:") {
                Some(group) if !group.is_empty() => Required::OneOf(group.to_string()),
                _ => return Err(err(format!("unknown required value {other:?}"))),
            },
        };
        let format = match s.format.as_str() {
            "e164" => Format::E164,
            "sender" => Format::Sender,
            "text" => Format::Text,
            "tenant-domain" => Format::TenantDomain,
            "https-url" => Format::HttpsUrl {
                host_suffix: s.host_suffix.clone(),
            },
            other => match other.strip_prefix("regex:") {
                Some(pattern) => {
                    // Checked now (cheaply, by the parser only) so a broken
                    // catalog is refused at once; compiled on first use.
                    regex_syntax::Parser::new()
                        .parse(pattern)
                        .map_err(|e| err(format!("bad regex: {e}")))?;
                    Format::Regex(LazyRegex::new(pattern))
                }
                None => return Err(err(format!("unknown format {other:?}"))),
            },
        };
        if s.host_suffix.is_some() && !matches!(format, Format::HttpsUrl { .. }) {
            return Err(err("host_suffix only applies to https-url".into()));
        }
        let mut reject = Vec::new();
        for r in &s.reject {
            regex_syntax::Parser::new()
                .parse(&r.pattern)
                .map_err(|e| err(format!("bad reject: {e}")))?;
            reject.push((LazyRegex::new(&r.pattern), r.message.clone()));
        }
        settings.push(Setting {
            name: s.name,
            label: s.label,
            secret: s.secret,
            required,
            format,
            expect: s.expect,
            example: s.example,
            help: s.help,
            reject,
        });
    }
    let mut errors = Vec::with_capacity(p.error.len());
    for e in p.error {
        let class = ErrorClass::parse(&e.class).ok_or_else(|| {
            CatalogError::Provider(
                p.id.clone(),
                format!("error {}: unknown class {:?}", e.code, e.class),
            )
        })?;
        errors.push(KnownError {
            code: e.code,
            class,
            meaning: e.meaning,
            fix: e.fix,
        });
    }
    Ok(Provider {
        id: p.id,
        kind,
        name: p.name,
        description: p.description,
        console: p.console,
        settings,
        base_url: p.base_url,
        base_setting: p.base_setting,
        errors,
    })
}

impl Catalog {
    /// Structural rules every catalog must follow.
    fn check(&self) -> Result<(), CatalogError> {
        let mut ids = std::collections::HashSet::new();
        for p in self.providers.iter().chain(self.tenant.as_ref()) {
            let bad = |m: &str| CatalogError::Provider(p.id.clone(), m.to_string());
            if !ids.insert(p.id.as_str()) {
                return Err(bad("duplicate provider id"));
            }
            if p.settings.is_empty() {
                return Err(bad("has no settings"));
            }
            if let Some(b) = &p.base_setting
                && !p.settings.iter().any(|s| &s.name == b)
            {
                return Err(bad(&format!("base_setting {b} is not one of its settings")));
            }
            let mut names = std::collections::HashSet::new();
            for s in &p.settings {
                let name_ok = s
                    .name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if !name_ok || s.name.is_empty() {
                    return Err(bad(&format!(
                        "setting name {:?} is not UPPER_SNAKE",
                        s.name
                    )));
                }
                if !names.insert(s.name.as_str()) {
                    return Err(bad(&format!("duplicate setting {}", s.name)));
                }
                if s.label.is_empty() || s.help.is_empty() || s.expect.is_empty() {
                    return Err(bad(&format!(
                        "setting {} lacks label, help or expect",
                        s.name
                    )));
                }
            }
            for group in p.settings.iter().filter_map(|s| match &s.required {
                Required::OneOf(g) => Some(g),
                _ => None,
            }) {
                let n = p
                    .settings
                    .iter()
                    .filter(|s| s.required == Required::OneOf(group.clone()))
                    .count();
                if n < 2 {
                    return Err(bad(&format!("group {group} has only one setting")));
                }
            }
        }
        Ok(())
    }

    /// Every [`Kind`] has an entry: what the embedded catalog must meet
    /// (a catalog for a test may list fewer providers).
    pub fn complete(&self) -> Result<(), CatalogError> {
        match Kind::ALL
            .iter()
            .find(|&&k| !self.providers.iter().any(|p| p.kind == Some(k)))
        {
            Some(k) => Err(CatalogError::Provider(
                k.id().to_string(),
                "a provider kind with no entry in the catalog".into(),
            )),
            None => Ok(()),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// Every group of settings: the providers, then the tenant's.
    pub fn groups(&self) -> impl Iterator<Item = &Provider> {
        self.providers.iter().chain(self.tenant.as_ref())
    }

    /// A provider or the tenant's settings, by id.
    pub fn group(&self, id: &str) -> Option<&Provider> {
        self.groups().find(|p| p.id == id)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.providers.iter().position(|p| p.id == id)
    }
}

impl Provider {
    pub fn setting(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.name == name)
    }
}
