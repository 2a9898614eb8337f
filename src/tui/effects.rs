//! Carrying out the wizard's effects: disk and keyring work, off the event
//! loop, each answered by a [`Msg`]. Nothing here decides anything.

use crate::config::{self, Paths};
use crate::providers::Catalog;
use crate::providers::clients::{self, Client, Http, Recipient, Settings};
use crate::secrets::{self, SecretStore, StoreError};
use crate::settings;
use crate::wizard::{CallError, Effect, Msg, ProviderCall, Stored};
use std::sync::Arc;

mod connect;
mod tenant;
mod trace;

/// Looks an environment variable up (the process environment, or a map in tests).
pub(crate) type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What effects work with.
#[derive(Clone)]
pub struct Services {
    pub paths: Paths,
    pub catalog: &'static Catalog,
    pub store: Arc<dyn SecretStore>,
    pub env: Env,
    pub http: Http,
    /// Where work sends messages before its answer (a rate-limit wait).
    pub notify: Option<tokio::sync::mpsc::UnboundedSender<Msg>>,
    /// The wizard's saves: merged over the disk, or none when read-only.
    pub session: Arc<config::Session>,
}

/// The environment's base-URL overrides of every provider (their
/// `SMS_MFA_<base_setting>`), for the wizard's code view.
pub(crate) fn base_overrides(s: &Services) -> std::collections::BTreeMap<String, String> {
    s.catalog
        .providers
        .iter()
        .filter_map(|p| p.base_setting.as_deref())
        .map(settings::env_var)
        .filter_map(|n| (s.env)(&n).filter(|v| !v.is_empty()).map(|v| (n, v)))
        .collect()
}

impl Services {
    /// The operations' view of the services, for profile `profile`.
    pub(crate) fn ctx<'a>(&'a self, profile: &'a str) -> crate::ops::Ctx<'a> {
        crate::ops::Ctx {
            paths: &self.paths,
            profile,
            catalog: self.catalog,
            store: &*self.store,
            env: &*self.env,
        }
    }

    /// The real thing: the OS keyring and the process environment.
    pub(crate) fn os(paths: Paths, catalog: &'static Catalog) -> Services {
        Services {
            paths,
            catalog,
            // What is kept for the session (no keyring) is read first.
            store: Arc::new(secrets::SessionStore::new(Arc::new(
                secrets::OsKeyring::new(),
            ))),
            env: Arc::new(settings::process_env),
            http: Http::new(),
            notify: None,
            session: Arc::new(config::Session::new(config::Profile::default(), false)),
        }
    }
}

/// Carry out one effect and return the wizard's answer (`None` for
/// [`Effect::Quit`], which the event loop handles itself).
pub async fn perform(effect: Effect, services: &Services) -> Option<Msg> {
    match effect {
        Effect::Quit | Effect::Cancel { .. } => None,
        Effect::Tenant { op, call, work } => {
            let result = tenant::perform(services, op, call, work).await;
            if let Err(e) = &result {
                tracing::warn!(error = %e, "tenant work failed");
            }
            Some(Msg::TenantDone { op, result })
        }
        Effect::Connect {
            op,
            profile_name,
            domain,
            token,
            apply,
        } => {
            let result = connect::perform(services, profile_name, domain, token, apply).await;
            if let Err(e) = &result {
                tracing::warn!(error = %e, "tenant connect failed");
            }
            Some(Msg::ConnectDone { op, result })
        }
        Effect::ListSenders { op, call, typed } => {
            let s = services.clone();
            let provider = call.provider.clone();
            let settings = timed(secrets::TIMEOUT * 4, move || {
                let Some(p) = s.catalog.get(&call.provider) else {
                    return Ok(Settings::default());
                };
                let resolved =
                    settings::resolve(&call.profile_name, &call.profile, p, &*s.store, &*s.env);
                let mut settings = Settings::from_resolved(resolved);
                // What is typed wins over what is stored (the environment
                // still wins over both when set, as everywhere).
                for (name, value) in typed {
                    if (s.env)(&settings::env_var(&name)).is_none() {
                        settings.insert(
                            &name,
                            crate::settings::Value::Secret(value.as_secret_string().clone()),
                        );
                    }
                }
                Ok(settings)
            })
            .await;
            let result = match settings {
                Err(e) => Err(format!("the keyring: {e}")),
                Ok(settings) => clients::list_senders(
                    services.catalog,
                    &provider,
                    &settings,
                    services.http.clone(),
                )
                .await
                .map_err(|e| match e {
                    clients::ListError::Settings(e) => format!("{e}: type the credentials first"),
                    clients::ListError::Provider(f) => {
                        format!("{}: {} ({})", f.class.title(), f.message, f.hint())
                    }
                }),
            };
            Some(Msg::SendersListed { op, result })
        }
        Effect::Doctor { op, call } => {
            let s = services.clone();
            let prepared = timed(secrets::TIMEOUT * 8, move || {
                let provider = call.provider.as_deref().and_then(|id| s.catalog.get(id));
                Ok(crate::doctor::prepare(
                    s.catalog,
                    &*s.store,
                    &*s.env,
                    &call.profile_name,
                    &call.profile,
                    provider,
                    None,
                ))
            })
            .await;
            let found = match prepared {
                Ok(p) => {
                    let notify = services.notify.clone();
                    let sink: crate::doctor::Sink = std::sync::Arc::new(move |event| {
                        if let Some(tx) = &notify {
                            let _ = tx.send(Msg::DoctorEvent { op, event });
                        }
                    });
                    crate::doctor::run(
                        &p,
                        services.catalog,
                        services.http.clone(),
                        crate::doctor::SLOW_AFTER,
                        sink,
                    )
                    .await
                }
                Err(e) => crate::doctor::keyring_failed(&e),
            };
            Some(Msg::DoctorDone { op, found })
        }
        Effect::Trace { op, call, to } => {
            let result = trace::perform(services, op, call, to).await;
            Some(Msg::TraceDone { op, result })
        }
        Effect::WriteCode { file_name, code } => {
            let dir = services.paths.data_dir.join("code");
            let result = blocking(move || -> std::io::Result<std::path::PathBuf> {
                use std::io::Write;
                // 0700; the temporary file is 0600 and keeps that mode.
                config::private_dir(&dir)?;
                let path = dir.join(file_name);
                let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
                tmp.write_all(code.as_bytes())?;
                tmp.persist(&path).map_err(|e| e.error)?;
                Ok(path)
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
            Some(Msg::CodeWritten(result))
        }
        Effect::SendTest { op, call, to, text } => {
            let result = match client_for(services, call).await {
                Ok(client) => match Recipient::parse(&to) {
                    Ok(r) => client.send_test(&r, &text).await.map_err(CallError::Failed),
                    Err(e) => Err(CallError::Setup(vec![format!("recipient: {e}")])),
                },
                Err(e) => Err(e),
            };
            match &result {
                Ok(a) => tracing::info!(id = %a.id, "test message accepted"),
                Err(e) => tracing::warn!(error = ?e, "test message not sent"),
            }
            Some(Msg::TestSent { op, result })
        }
        Effect::PollDelivery {
            op,
            call,
            id,
            after,
        } => {
            tokio::time::sleep(after).await;
            let result = match client_for(services, call).await {
                Ok(client) => match client.delivery_status(&id).await {
                    Some(r) => r.map_err(CallError::Failed),
                    None => Err(CallError::Setup(vec![
                        "this provider reports no delivery status".into(),
                    ])),
                },
                Err(e) => Err(e),
            };
            Some(Msg::DeliveryStatus { op, result })
        }
        Effect::CheckCredentials { op, call } => {
            let result = match client_for(services, call).await {
                Ok(client) => client.check_credentials().await.map_err(CallError::Failed),
                Err(e) => Err(e),
            };
            Some(Msg::CredentialsChecked { op, result })
        }
        Effect::SaveProfile { name, profile } => {
            let (paths, session) = (services.paths.clone(), services.session.clone());
            let result = blocking(move || {
                session
                    .save(&paths, &name, &profile)
                    .map(|path| tracing::debug!(path = %path.display(), "progress saved"))
                    .map_err(|e| {
                        tracing::error!(error = %e, "saving progress failed");
                        e.to_string()
                    })
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            Some(Msg::Saved(result))
        }
        Effect::LoadSettings { op, .. } | Effect::StoreSecrets { op, .. } => {
            let s = services.clone();
            let loading = matches!(effect, Effect::LoadSettings { .. });
            // Each keyring call has its own timeout; this one only guards
            // against a store that ignores it.
            let calls = match &effect {
                Effect::StoreSecrets { secrets, .. } => secrets.len(),
                Effect::LoadSettings { provider, .. } => s
                    .catalog
                    .group(provider)
                    .map_or(1, |p| p.settings.iter().filter(|x| x.secret).count()),
                _ => 1,
            };
            let limit =
                secrets::TIMEOUT * (calls.max(1) as u32) + std::time::Duration::from_secs(1);
            let answer = timed(limit, move || {
                Ok(keyring_answer(&effect, s.catalog, &*s.store, &*s.env))
            })
            .await;
            let msg = match answer {
                Ok(msg) => msg,
                Err(e) if loading => Some(Msg::SettingsLoaded {
                    op,
                    settings: Vec::new(),
                    error: Some(e),
                }),
                Err(e) => Some(Msg::SecretsStored { op, result: Err(e) }),
            };
            if let Some(
                Msg::SettingsLoaded { error: Some(e), .. }
                | Msg::SecretsStored { result: Err(e), .. },
            ) = &msg
            {
                tracing::warn!(kind = e.kind(), error = %e, "keyring call failed");
            }
            msg
        }
    }
}

/// The keyring work of an effect, done synchronously, and the wizard's
/// answer; `None` for effects that are not keyring work. The runtime runs it
/// on a blocking thread under a timeout; tests call it directly.
pub fn keyring_answer(
    effect: &Effect,
    catalog: &Catalog,
    store: &dyn SecretStore,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Msg> {
    match effect {
        Effect::LoadSettings {
            op,
            profile_name,
            provider,
            profile,
        } => {
            let resolved = match catalog.group(provider) {
                Some(p) => settings::resolve(profile_name, profile, p, store, env),
                None => Vec::new(),
            };
            let error = resolved.iter().find_map(|r| r.error.clone());
            let settings = resolved
                .into_iter()
                .map(|r| {
                    let stored = Stored {
                        source: r.source,
                        check: r.check,
                    };
                    (r.name, stored)
                })
                .collect();
            Some(Msg::SettingsLoaded {
                op: *op,
                settings,
                error,
            })
        }
        Effect::StoreSecrets {
            op,
            profile_name,
            provider,
            secrets: values,
            memory,
        } => {
            let result = values.iter().try_for_each(|(name, value)| {
                let user = secrets::entry_user(profile_name, provider, name);
                if *memory {
                    store.keep_for_session(&user, value.as_secret_string())?;
                    tracing::info!(entry = %user, "secret kept in memory for the session");
                } else {
                    store.set(&user, value.as_secret_string())?;
                    tracing::info!(entry = %user, "secret stored");
                }
                Ok(())
            });
            Some(Msg::SecretsStored { op: *op, result })
        }
        _ => None,
    }
}

/// The provider's client with the settings of the call's profile: the
/// environment, the keyring (off the event loop, under its timeout) and the
/// profile.
async fn client_for(services: &Services, call: ProviderCall) -> Result<Client, CallError> {
    let s = services.clone();
    let provider = call.provider.clone();
    let resolved = timed(secrets::TIMEOUT * 4, move || {
        let Some(p) = s.catalog.get(&call.provider) else {
            return Ok(Err(vec![format!("unknown provider {}", call.provider)]));
        };
        let resolved = settings::resolve(&call.profile_name, &call.profile, p, &*s.store, &*s.env);
        Ok(match clients::check_settings(p, &resolved) {
            Ok(()) => Ok(Settings::from_resolved(resolved)),
            Err(e) => Err(e.0),
        })
    })
    .await
    .map_err(|e| CallError::Setup(vec![format!("the keyring: {e}")]))?
    .map_err(CallError::Setup)?;
    Client::new(
        services.catalog,
        &provider,
        &resolved,
        services.http.clone(),
    )
    .map_err(|e| CallError::Setup(e.0))
}

pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    tokio::task::spawn_blocking(f).await
}

/// Run keyring work on a blocking thread, giving up after the keyring
/// timeout (the work itself is not interrupted; its answer is dropped).
pub(super) async fn timed<T: Send + 'static>(
    limit: std::time::Duration,
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    match tokio::time::timeout(limit, blocking(f)).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(StoreError::Failed {
            detail: format!("the keyring task failed: {e}"),
        }),
        Err(_) => Err(StoreError::Timeout(secrets::TIMEOUT)),
    }
}
