//! The tenant's use cases: connect with the profile's settings, check the
//! tenant, plan and apply the provider's Custom phone provider, and let
//! Auth0 send a test. `sms-mfa tenant check|apply|try` and the wizard's
//! step 4 both go through here; the wording of their errors is theirs.
//!
//! The keyring is read by [`connection_settings`] and [`provider_inputs`],
//! which are blocking (the TUI runs them off its event loop); the network
//! calls are async.

use super::Ctx;
use crate::auth0::inspect::{self, Report};
use crate::auth0::plan::{self, Prepared};
use crate::auth0::{self, Connection, OpenError};
use crate::config::{Paths, Profile};
use crate::providers::Provider;
use crate::settings::{self, Resolved};

/// Why tenant work could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Error {
    /// The catalog has no `[tenant]` group (a broken build).
    #[error("this build has no tenant settings")]
    NoTenantSettings,
    /// The work needs a provider and none is chosen.
    #[error("no provider chosen")]
    NoProvider,
    #[error("unknown provider {0:?}")]
    UnknownProvider(String),
    /// The provider's settings cannot become the Action's secrets.
    #[error(
        "the {provider} settings are not usable, so the Action's secrets cannot be set: {}",
        .problems.join("; ")
    )]
    Unusable {
        provider: String,
        problems: Vec<String>,
    },
    /// No Management API connection (no token, wrong credentials, ...).
    #[error("{}", one_line(.0))]
    Open(OpenError),
}

/// An [`OpenError`] as one line: its title, then what to do.
pub(crate) fn one_line(e: &OpenError) -> String {
    let mut t = e.title.clone();
    for d in &e.details {
        t.push(' ');
        t.push_str(d);
    }
    t
}

/// The tenant connection's settings (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`,
/// `AUTH0_CLIENT_SECRET`), resolved from the environment, the keyring and
/// the profile. Blocking: asks the keyring.
pub(crate) fn connection_settings(ctx: Ctx<'_>, profile: &Profile) -> Result<Vec<Resolved>, Error> {
    let group = ctx.catalog.tenant.as_ref().ok_or(Error::NoTenantSettings)?;
    Ok(settings::resolve(
        ctx.profile,
        profile,
        group,
        ctx.store,
        ctx.env,
    ))
}

/// Connect with resolved connection settings, or the ready token in
/// `SMS_MFA_AUTH0_TOKEN`; `SMS_MFA_AUTH0_BASE_URL` overrides the address.
/// The caller adds how a rate-limit wait is told
/// ([`Connection::on_rate_limit`]).
/// (Not an `async fn`: the future holds the catalog and the environment's
/// two overrides, not the context, so it can run on another thread.)
pub(crate) fn connect<'a>(
    ctx: Ctx<'a>,
    resolved: &'a [Resolved],
) -> impl Future<Output = Result<Connection, Error>> + Send + 'a {
    let group = ctx.catalog.tenant.as_ref();
    let overrides = auth0::Overrides::from_env(ctx.env);
    async move {
        let group = group.ok_or(Error::NoTenantSettings)?;
        auth0::open(group, resolved, overrides)
            .await
            .map_err(Error::Open)
    }
}

/// What the apply needs from the provider: the provider, the values of the
/// Action's secrets, and the API base URL the code is to call.
pub(crate) struct ProviderInputs<'a> {
    pub(crate) provider: &'a Provider,
    pub(crate) values: Vec<(String, String)>,
    /// [`settings::base_override`]: the same rule as the code view's.
    pub(crate) base: Option<String>,
}

/// The Action's secret values never in a Debug print: their names only.
impl std::fmt::Debug for ProviderInputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.values.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ProviderInputs")
            .field("provider", &self.provider.id)
            .field("values", &names)
            .field("base", &self.base)
            .finish()
    }
}

/// The provider `id` (else the profile's), its Action secrets and base URL,
/// from the environment, the keyring and the profile. Blocking: asks the
/// keyring.
pub(crate) fn provider_inputs<'a>(
    ctx: Ctx<'a>,
    profile: &Profile,
    id: Option<&str>,
) -> Result<ProviderInputs<'a>, Error> {
    let id = id
        .or(profile.provider.as_deref())
        .ok_or(Error::NoProvider)?;
    let provider = ctx
        .catalog
        .get(id)
        .ok_or_else(|| Error::UnknownProvider(id.to_string()))?;
    let resolved = settings::resolve(ctx.profile, profile, provider, ctx.store, ctx.env);
    let values = plan::action_values(provider, &resolved).map_err(|problems| Error::Unusable {
        provider: provider.name.clone(),
        problems,
    })?;
    let base = settings::base_override(provider, profile, ctx.env);
    Ok(ProviderInputs {
        provider,
        values,
        base,
    })
}

/// Read the tenant and plan the changes for the provider (nothing is
/// written).
pub(crate) async fn plan(
    conn: &Connection,
    paths: &Paths,
    inputs: ProviderInputs<'_>,
) -> Result<Prepared, plan::PrepareError> {
    plan::prepare(
        conn,
        paths,
        inputs.provider,
        inputs.values,
        inputs.base.as_deref(),
    )
    .await
}

/// What `check` found: the findings, and the scopes the connection lacks
/// for this tenant's generation.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) report: Report,
    pub(crate) missing_scopes: Vec<&'static str>,
}

/// Check the tenant's SMS MFA set-up (for `provider` when one is chosen).
pub(crate) async fn check(conn: &Connection, provider: Option<&Provider>) -> Checked {
    let report = inspect::inspect(conn, provider).await;
    let missing_scopes = inspect::missing_scopes(conn, report.generation);
    Checked {
        report,
        missing_scopes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Catalog;
    use crate::secrets::{MemoryStore, SecretStore};
    use secrecy::SecretString;

    fn with<T>(env: &[(&str, &str)], f: impl FnOnce(Ctx<'_>) -> T) -> T {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
        };
        let store = MemoryStore::new();
        store
            .set(
                "p/twilio/TWILIO_AUTH_TOKEN",
                &SecretString::from("0123456789abcdef0123456789abcdef".to_string()),
            )
            .unwrap();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |n: &str| env.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        f(Ctx {
            paths: &paths,
            profile: "p",
            catalog: Catalog::builtin(),
            store: &store,
            env: &lookup,
        })
    }

    fn twilio_profile() -> Profile {
        let mut p = Profile {
            provider: Some("twilio".into()),
            ..Profile::default()
        };
        let s = p.settings.entry("twilio".into()).or_default();
        s.insert(
            "TWILIO_ACCOUNT_SID".into(),
            "AC0123456789abcdef0123456789abcdef".into(),
        );
        s.insert("TWILIO_PHONE_NUMBER".into(), "+15005550006".into());
        p
    }

    #[test]
    fn provider_inputs_take_the_profile_s_provider_its_secrets_and_the_environment_s_base() {
        let env = [("SMS_MFA_TWILIO_BASE_URL", "http://127.0.0.1:9")];
        with(&env, |ctx| {
            let i = provider_inputs(ctx, &twilio_profile(), None).unwrap();
            assert_eq!(i.provider.id, "twilio");
            assert_eq!(i.base.as_deref(), Some("http://127.0.0.1:9"));
            let token = i.values.iter().find(|(k, _)| k == "TWILIO_AUTH_TOKEN");
            assert_eq!(
                token.map(|(_, v)| v.as_str()),
                Some("0123456789abcdef0123456789abcdef"),
                "the keyring's secret becomes the Action's"
            );
            let debug = format!("{i:?}");
            assert!(debug.contains("TWILIO_AUTH_TOKEN"), "{debug}");
            assert!(!debug.contains("0123456789abcdef"), "no value: {debug}");
        });
    }

    #[test]
    fn provider_inputs_say_what_is_missing() {
        with(&[], |ctx| {
            assert_eq!(
                provider_inputs(ctx, &Profile::default(), None).unwrap_err(),
                Error::NoProvider
            );
            assert_eq!(
                provider_inputs(ctx, &Profile::default(), Some("nope")).unwrap_err(),
                Error::UnknownProvider("nope".into())
            );
            // Vonage has no settings here at all.
            let e = provider_inputs(ctx, &Profile::default(), Some("vonage")).unwrap_err();
            let Error::Unusable { provider, problems } = &e else {
                panic!("{e:?}")
            };
            assert!(provider.contains("Vonage"), "{provider}");
            assert!(!problems.is_empty());
            assert!(e.to_string().contains("cannot be set"), "{e}");
        });
    }

    #[test]
    fn connection_settings_read_the_environment_first() {
        let env = [("SMS_MFA_AUTH0_DOMAIN", "acme.eu.auth0.com")];
        with(&env, |ctx| {
            let r = connection_settings(ctx, &Profile::default()).unwrap();
            let domain = r.iter().find(|r| r.name == "AUTH0_DOMAIN").unwrap();
            assert_eq!(domain.source, settings::Source::Environment);
        });
    }

    #[test]
    fn an_open_error_is_one_line_with_its_remedies() {
        let e = Error::Open(OpenError {
            title: "the tenant connection is not usable:".into(),
            details: vec!["AUTH0_DOMAIN is missing.".into(), "Or set a token.".into()],
        });
        assert_eq!(
            e.to_string(),
            "the tenant connection is not usable: AUTH0_DOMAIN is missing. Or set a token."
        );
    }
}
