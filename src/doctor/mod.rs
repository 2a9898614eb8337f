//! The troubleshooting checklist, checked: every item of
//! [`crate::checklist`] gets a status and the evidence for it, from the same
//! services as the rest of the tool (the provider clients, the keyring and
//! environment, the tenant inspection). Used by the wizard's last step and by
//! `sms-mfa doctor`.
//!
//! [`prepare`] reads the keyring (blocking, so callers run it off the event
//! loop); [`run`] makes the calls, the provider's and the tenant's
//! concurrently. A call that fails makes its checks "could not check"; it
//! never stops the others. A group still running after
//! [`SLOW_AFTER`] says so through [`Event::Slow`].

pub mod deliveries;
pub mod report;

use crate::auth0::{self, Overrides, inspect};
use crate::checklist::{Category, Checklist, FixAction};
use crate::config::Profile;
use crate::providers::clients::{self, Client, Http, Recipient, Settings};
use crate::providers::outcome::{CredentialReport, Failure, Ownership, Told};
use crate::providers::{Catalog, Provider, validate};
use crate::secrets::SecretStore;
use crate::settings;
use crate::settings::Resolved;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// When a check that has not finished says so.
pub const SLOW_AFTER: Duration = Duration::from_secs(10);

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    /// Not run; the evidence says why.
    Skipped,
    /// Works now, but will stop codes arriving for some users.
    Warning,
    /// The check could not run to the end; the evidence has the error.
    #[serde(rename = "could-not-check")]
    Error,
    Fail,
}

impl Status {
    /// Whether it counts as a problem (anything but pass and skipped).
    pub fn problem(self) -> bool {
        matches!(self, Status::Warning | Status::Error | Status::Fail)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Skipped => "skipped",
            Status::Warning => "warning",
            Status::Error => "could not check",
            Status::Fail => "fail",
        }
    }
}

/// One check's status and evidence, before it is joined with the
/// checklist's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: &'static str,
    pub status: Status,
    pub evidence: String,
    /// What to do, when it is not the checklist's fix (a temporary failure).
    pub fix: Option<String>,
}

fn found(id: &'static str, status: Status, evidence: impl Into<String>) -> Found {
    Found {
        id,
        status,
        evidence: evidence.into(),
        fix: None,
    }
}

/// What to do about a check that did not pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remediation {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// What the wizard's `a` key does.
    #[serde(skip)]
    pub action: Option<FixAction>,
}

/// A check, as shown and as `--json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: String,
    pub category: Category,
    pub status: Status,
    pub title: String,
    pub evidence: String,
    /// None when the check passed or was skipped.
    pub remediation: Option<Remediation>,
}

/// Join what was found with the checklist's text, in the checklist's order.
/// An item nothing was found for is skipped, saying so.
pub fn assemble(checklist: &Checklist, found: &[Found]) -> Vec<Check> {
    checklist
        .items
        .iter()
        .map(|item| {
            let f = found.iter().find(|f| f.id == item.id);
            let (status, evidence, fix) = match f {
                Some(f) => (f.status, f.evidence.clone(), f.fix.clone()),
                None => (
                    Status::Skipped,
                    "Not checked by this build.".to_string(),
                    None,
                ),
            };
            Check {
                id: item.id.clone(),
                category: item.category,
                status,
                title: item.title.clone(),
                evidence,
                remediation: status.problem().then(|| Remediation {
                    text: fix.unwrap_or_else(|| item.fix.clone()),
                    command: item.command.clone(),
                    action: item.action,
                }),
            }
        })
        .collect()
}

/// Make each remediation's command runnable for this profile and provider:
/// PROVIDER replaced by its id (ID when none is chosen), `--profile NAME`
/// added unless it is the default profile.
pub fn commands_for(checks: &mut [Check], provider: Option<&str>, profile: &str) {
    for c in checks.iter_mut() {
        let Some(cmd) = c.remediation.as_mut().and_then(|r| r.command.as_mut()) else {
            continue;
        };
        let mut text = cmd.replace("PROVIDER", provider.unwrap_or("ID"));
        if profile != crate::config::DEFAULT_PROFILE
            && let Some(rest) = text.strip_prefix("sms-mfa ")
        {
            text = format!("sms-mfa --profile {profile} {rest}");
        }
        *cmd = text;
    }
}

/// The checklist id of an inspection finding (the tenant generation is part
/// of the connection check).
pub fn checklist_id(finding: &'static str) -> &'static str {
    match finding {
        "generation" => "tenant-connection",
        other => other,
    }
}

/// How many problems of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub pass: usize,
    pub warning: usize,
    pub fail: usize,
    pub error: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(checks: &[Check]) -> Summary {
        let mut s = Summary::default();
        for c in checks {
            match c.status {
                Status::Pass => s.pass += 1,
                Status::Warning => s.warning += 1,
                Status::Fail => s.fail += 1,
                Status::Error => s.error += 1,
                Status::Skipped => s.skipped += 1,
            }
        }
        s
    }

    pub fn problems(&self) -> usize {
        self.warning + self.fail + self.error
    }

    /// `doctor`'s exit code: 0 no problems, 1 warnings (or checks that could
    /// not run) only, 2 failures.
    pub fn exit_code(&self) -> u8 {
        if self.fail > 0 {
            2
        } else if self.problems() > 0 {
            1
        } else {
            0
        }
    }

    /// "3 problems found", or "no problems found".
    pub fn headline(&self) -> String {
        match self.problems() {
            0 => "no problems found".into(),
            1 => "1 problem found".into(),
            n => format!("{n} problems found"),
        }
    }
}

/// Everything the checks need that comes from the keyring, the
/// environment and the profile.
pub struct Prepared {
    pub provider: Option<&'static Provider>,
    /// The provider's settings (empty without a provider).
    pub settings: Vec<Resolved>,
    /// The tenant connection's settings.
    pub connection: Vec<Resolved>,
    pub overrides: Overrides,
    /// The test recipient (the profile's, or the one given).
    pub recipient: Option<String>,
}

/// Read the settings (blocking: the keyring).
pub fn prepare(
    catalog: &'static Catalog,
    store: &dyn SecretStore,
    env: &dyn Fn(&str) -> Option<String>,
    profile_name: &str,
    profile: &Profile,
    provider: Option<&'static Provider>,
    recipient: Option<String>,
) -> Prepared {
    let settings = provider
        .map(|p| settings::resolve(profile_name, profile, p, store, env))
        .unwrap_or_default();
    let connection = catalog
        .tenant
        .as_ref()
        .map(|g| settings::resolve(profile_name, profile, g, store, env))
        .unwrap_or_default();
    Prepared {
        provider,
        settings,
        connection,
        overrides: Overrides::from_env(env),
        recipient: recipient.or_else(|| profile.test_recipient.clone()),
    }
}

/// Every check that needs a setting, when the keyring could not be read at
/// all (it timed out).
pub fn keyring_failed(e: &crate::secrets::StoreError) -> Vec<Found> {
    let why = format!("The keyring did not answer: {e}. {}", e.remedy());
    let mut v: Vec<Found> = PROVIDER_IDS
        .iter()
        .chain(tenant_ids().iter())
        .map(|id| found(id, Status::Error, why.clone()))
        .collect();
    v.extend(local_checks(&Prepared {
        provider: None,
        settings: Vec::new(),
        connection: Vec::new(),
        overrides: Overrides::default(),
        recipient: None,
    }));
    v
}

/// Progress while the checks run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// These checks are done.
    Done(Vec<Found>),
    /// These checks are still running after `after`.
    Slow {
        ids: Vec<&'static str>,
        after: Duration,
    },
    /// Auth0's rate limit: waiting `secs` seconds.
    RateLimited { secs: u64, path: String },
}

/// Where progress goes.
pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// The ids each group of checks answers.
pub const PROVIDER_IDS: [&str; 6] = [
    "settings-complete",
    "credentials-valid",
    "trial-destination",
    "verify-custom-codes",
    "sender-owned",
    deliveries::ID,
];
/// The tenant's: the inspection's findings, the generation being part of
/// the connection check.
pub fn tenant_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = inspect::IDS.iter().map(|id| checklist_id(id)).collect();
    ids.push(CODE_REACHABLE);
    ids
}

/// The check that the live code calls no address Auth0 cannot reach.
pub const CODE_REACHABLE: &str = "code-reachable";

/// Whether the live code calls a loopback or private-network address
/// (allowed only for a tenant on this machine: the sandbox, a test fake).
fn code_reachable(base: &str, code: Option<&str>) -> Found {
    let Some(code) = code else {
        return found(
            CODE_REACHABLE,
            Status::Skipped,
            "Skipped: needs exactly one live piece of code, read.",
        );
    };
    let local = crate::codegen::local_urls(code);
    if local.is_empty() {
        return found(
            CODE_REACHABLE,
            Status::Pass,
            "The live code calls no loopback or private-network address.",
        );
    }
    let list: Vec<String> = local
        .iter()
        .map(|(u, why)| format!("{u} ({why})"))
        .collect();
    if crate::codegen::local_url(base).is_some() {
        return found(
            CODE_REACHABLE,
            Status::Pass,
            format!(
                "The live code calls {}, which this tenant reaches: it runs on this machine too.",
                list.join(", ")
            ),
        );
    }
    found(
        CODE_REACHABLE,
        Status::Fail,
        format!(
            "The live code calls {}: Auth0's servers cannot reach it, so no message is sent.",
            list.join(", ")
        ),
    )
}

/// Run every check. `slow_after` is [`SLOW_AFTER`] but in tests.
pub async fn run(
    p: &Prepared,
    catalog: &'static Catalog,
    http: Http,
    slow_after: Duration,
    sink: Sink,
) -> Vec<Found> {
    let local = local_checks(p);
    sink(Event::Done(local.clone()));
    let tenant_ids = tenant_ids();
    let provider = watch(
        provider_checks(p, catalog, http),
        &PROVIDER_IDS,
        slow_after,
        &sink,
    );
    let tenant = watch(
        tenant_checks(p, catalog, sink.clone()),
        &tenant_ids,
        slow_after,
        &sink,
    );
    let (provider, tenant) = futures::join!(provider, tenant);
    let mut all = local;
    all.extend(provider);
    all.extend(tenant);
    all
}

/// Await a group; report it when done, and once if it is slow.
async fn watch(
    group: impl std::future::Future<Output = Vec<Found>>,
    ids: &[&'static str],
    slow_after: Duration,
    sink: &Sink,
) -> Vec<Found> {
    let mut group = std::pin::pin!(group);
    let result = match tokio::time::timeout(slow_after, &mut group).await {
        Ok(r) => r,
        Err(_) => {
            sink(Event::Slow {
                ids: ids.to_vec(),
                after: slow_after,
            });
            group.await
        }
    };
    sink(Event::Done(result.clone()));
    result
}

/// The checks that need no call: the test recipient's format, and the test
/// message (the doctor never sends one; the wizard fills it in).
fn local_checks(p: &Prepared) -> Vec<Found> {
    let e164 = match p.recipient.as_deref() {
        None | Some("") => found(
            "recipient-e164",
            Status::Skipped,
            "No test recipient: enter one in step 3, or pass --to.",
        ),
        Some(r) => match validate::e164(r) {
            Ok(n) => found(
                "recipient-e164",
                Status::Pass,
                format!("The test recipient {n} is valid E.164."),
            ),
            Err(e) => found(
                "recipient-e164",
                Status::Fail,
                format!("The test recipient {r:?} is not E.164: {e}"),
            ),
        },
    };
    vec![
        e164,
        found(
            "test-message",
            Status::Skipped,
            "The doctor sends no message (it costs money and reaches a phone): `sms-mfa send-test --to NUMBER` does.",
        ),
    ]
}

/// Every provider check skipped, for `reason`.
fn provider_skipped(reason: &str) -> Vec<Found> {
    PROVIDER_IDS
        .iter()
        .map(|id| found(id, Status::Skipped, reason))
        .collect()
}

/// A failed provider call as a check: a temporary failure could not check,
/// anything else fails.
fn failed(id: &'static str, f: &Failure) -> Found {
    let status = if f.class.temporary() {
        Status::Error
    } else {
        Status::Fail
    };
    let mut v = found(
        id,
        status,
        format!(
            "{}: {} The provider said: [{}] {}",
            f.class.title(),
            f.hint(),
            f.code.as_deref().unwrap_or("no code"),
            f.message
        ),
    );
    if status == Status::Error {
        v.fix = Some(format!(
            "{} Then check again (r in the wizard, or `sms-mfa doctor`).",
            f.class.hint()
        ));
    } else if f.class != crate::providers::outcome::ErrorClass::Authentication {
        // Not the credentials: what the provider's answer means.
        v.fix = Some(f.hint().to_string());
    }
    v
}

async fn provider_checks(p: &Prepared, catalog: &'static Catalog, http: Http) -> Vec<Found> {
    let Some(provider) = p.provider else {
        return provider_skipped("No provider chosen: pick one in step 1, or pass --provider.");
    };
    if let Err(e) = clients::check_settings(provider, &p.settings) {
        let keyring = p.settings.iter().find_map(|r| r.error.as_ref());
        let mut v = vec![found(
            "settings-complete",
            if keyring.is_some() {
                Status::Error
            } else {
                Status::Fail
            },
            match keyring {
                Some(k) => format!("{}. {}", e.0.join("; "), k.remedy()),
                None => format!("{}.", e.0.join("; ")),
            },
        )];
        v.extend(
            provider_skipped("Skipped: needs the provider's settings.")
                .into_iter()
                .skip(1),
        );
        return v;
    }
    let sources: Vec<String> = p
        .settings
        .iter()
        .filter(|r| r.value.is_some())
        .map(|r| format!("{} ({})", r.name, r.source.as_str()))
        .collect();
    let complete = found(
        "settings-complete",
        Status::Pass,
        format!("Stored: {}.", sources.join(", ")),
    );
    let settings = Settings::of(&p.settings);
    let client = match Client::new(catalog, &provider.id, &settings, http) {
        Ok(c) => c,
        Err(e) => {
            let mut v = vec![found("settings-complete", Status::Fail, format!("{e}."))];
            v.extend(
                provider_skipped("Skipped: needs usable settings.")
                    .into_iter()
                    .skip(1),
            );
            return v;
        }
    };
    let recipient = p
        .recipient
        .as_deref()
        .and_then(|r| Recipient::parse(r).ok());
    let (credentials, sender, destination, deliveries) = futures::join!(
        client.check_credentials(),
        client.sender_owned(),
        async {
            match &recipient {
                Some(r) => Some(client.destination_verified(r).await),
                None => None,
            }
        },
        deliveries::check(&client, recipient.as_ref().map(|r| r.e164()))
    );
    vec![
        complete,
        credentials_valid(&credentials),
        trial_destination(provider, &credentials, p.recipient.as_deref(), destination),
        custom_codes(provider, &credentials),
        match &credentials {
            // One cause, one failure: the credentials' own check says it.
            Err(f) if f.class == crate::providers::outcome::ErrorClass::Authentication => found(
                "sender-owned",
                Status::Skipped,
                "Skipped: the provider refused the credentials.",
            ),
            _ => sender_owned(&sender),
        },
        match &credentials {
            Err(f) if f.class == crate::providers::outcome::ErrorClass::Authentication => found(
                deliveries::ID,
                Status::Skipped,
                "Skipped: the provider refused the credentials.",
            ),
            _ => deliveries,
        },
    ]
}

fn credentials_valid(c: &Result<CredentialReport, Failure>) -> Found {
    const ID: &str = "credentials-valid";
    match c {
        Ok(r) if r.usable => found(
            ID,
            Status::Pass,
            format!("The provider accepted them: {}.", r.summary),
        ),
        // Verify's custom codes have a check of their own.
        Ok(r) if r.custom_codes == Some(false) => found(
            ID,
            Status::Pass,
            format!("The provider accepted them: {}.", r.summary),
        ),
        Ok(r) => Found {
            // The credentials work; what stops sending is the account.
            fix: Some(if r.warnings.is_empty() {
                "Fix the account in the provider's console, then check again.".to_string()
            } else {
                r.warnings.join(" ")
            }),
            ..found(
                ID,
                Status::Fail,
                format!(
                    "The provider accepted them, but: {}. {}",
                    r.summary,
                    r.warnings.join(" ")
                ),
            )
        },
        Err(f) => failed(ID, f),
    }
}

fn trial_destination(
    provider: &Provider,
    c: &Result<CredentialReport, Failure>,
    recipient: Option<&str>,
    destination: Option<Result<Told<bool>, Failure>>,
) -> Found {
    const ID: &str = "trial-destination";
    let r = match c {
        Ok(r) => r,
        Err(_) => return found(ID, Status::Skipped, "Skipped: the credential check failed."),
    };
    match r.trial {
        None => found(
            ID,
            Status::Skipped,
            format!(
                "{}'s API does not say whether the account is a trial; a trial's codes only reach verified numbers.",
                provider.name
            ),
        ),
        Some(false) => found(
            ID,
            Status::Pass,
            format!("Not a trial account ({}).", r.summary),
        ),
        Some(true) => match (recipient, destination) {
            (None, _) => found(
                ID,
                Status::Warning,
                "Trial account: codes only reach numbers verified in the provider's console. No test recipient to look up (step 3, or --to).",
            ),
            (Some(to), None) => found(
                ID,
                Status::Fail,
                format!("Trial account, and the test recipient {to:?} is not a valid number."),
            ),
            (Some(to), Some(Ok(Told::Known(true)))) => found(
                ID,
                Status::Warning,
                format!(
                    "Trial account: {to} is verified, so the test reaches it, but real users' numbers are not (Twilio error 21608)."
                ),
            ),
            (Some(to), Some(Ok(Told::Known(false)))) => found(
                ID,
                Status::Fail,
                format!(
                    "Trial account, and {to} is not a verified caller id: Twilio refuses to send to it (error 21608)."
                ),
            ),
            (Some(_), Some(Ok(Told::Untold(why)))) => found(
                ID,
                Status::Warning,
                format!("Trial account: codes only reach verified numbers. {why}"),
            ),
            (Some(_), Some(Err(f))) => failed(ID, &f),
        },
    }
}

fn custom_codes(provider: &Provider, c: &Result<CredentialReport, Failure>) -> Found {
    const ID: &str = "verify-custom-codes";
    let r = match c {
        Ok(r) if r.custom_codes.is_some() => r,
        Err(_) if provider.kind == Some(crate::providers::Kind::TwilioVerify) => {
            return found(ID, Status::Skipped, "Skipped: the credential check failed.");
        }
        _ => {
            return found(
                ID,
                Status::Skipped,
                format!(
                    "Only Twilio Verify makes its own codes; {} sends Auth0's text as it is.",
                    provider.name
                ),
            );
        }
    };
    if r.custom_codes == Some(true) {
        found(
            ID,
            Status::Pass,
            format!(
                "Custom verification codes are enabled ({}). {}",
                r.summary,
                crate::auth0::plan::VERIFY_NOTICES
            ),
        )
    } else {
        found(
            ID,
            Status::Fail,
            format!(
                "Custom verification codes are disabled on the Verify service ({}): Auth0 passes its own code, so every send fails.",
                r.summary
            ),
        )
    }
}

fn sender_owned(s: &Result<Told<Ownership>, Failure>) -> Found {
    const ID: &str = "sender-owned";
    match s {
        Ok(Told::Untold(why)) => found(ID, Status::Skipped, why.clone()),
        Ok(Told::Known(o)) if !o.owned => found(
            ID,
            Status::Fail,
            format!(
                "{} is not a number of this account: the provider refuses to send from it (Twilio 21606).",
                o.sender
            ),
        ),
        Ok(Told::Known(o)) if o.sms_capable == Some(false) => found(
            ID,
            Status::Fail,
            format!("{} belongs to the account but cannot send SMS.", o.sender),
        ),
        Ok(Told::Known(o)) => found(
            ID,
            Status::Pass,
            format!(
                "{} is one of the account's numbers{}.",
                o.sender,
                if o.sms_capable == Some(true) {
                    " and can send SMS"
                } else {
                    ""
                }
            ),
        ),
        Err(f) => failed(ID, f),
    }
}

/// Every tenant check but the connection skipped, for `reason`.
fn tenant_skipped(reason: &str) -> Vec<Found> {
    tenant_ids()[1..]
        .iter()
        .map(|id| found(id, Status::Skipped, reason))
        .collect()
}

async fn tenant_checks(p: &Prepared, catalog: &'static Catalog, sink: Sink) -> Vec<Found> {
    const ID: &str = "tenant-connection";
    let Some(group) = catalog.tenant.as_ref() else {
        let mut v = vec![found(
            ID,
            Status::Skipped,
            "This build has no tenant settings.",
        )];
        v.extend(tenant_skipped("Skipped: no tenant connection."));
        return v;
    };
    let configured = p.overrides.token.is_some() || p.connection.iter().any(|r| r.value.is_some());
    if !configured {
        let mut v = vec![found(
            ID,
            Status::Skipped,
            "No Auth0 connection: enter AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET in step 4 (or set SMS_MFA_AUTH0_TOKEN) to check the tenant.",
        )];
        v.extend(tenant_skipped(
            "Skipped: no Auth0 connection (step 4, or SMS_MFA_AUTH0_TOKEN).",
        ));
        return v;
    }
    let conn = match auth0::open(group, &p.connection, p.overrides.clone()).await {
        Ok(c) => c.on_rate_limit(move |wait, path| {
            sink(Event::RateLimited {
                secs: wait.as_secs(),
                path: path.to_string(),
            })
        }),
        Err(e) => {
            let mut evidence = e.title;
            for d in e.details {
                evidence.push(' ');
                evidence.push_str(&d);
            }
            let mut v = vec![found(ID, Status::Error, evidence)];
            v.extend(tenant_skipped(
                "Skipped: the Management API could not be reached.",
            ));
            return v;
        }
    };
    let report = inspect::inspect(&conn, p.provider).await;
    let missing = inspect::missing_scopes(&conn, report.generation);
    tenant_found(&conn.base, &report, &missing)
}

/// The tenant checks from an inspection report. Pure.
pub fn tenant_found(base: &str, report: &inspect::Report, missing: &[&str]) -> Vec<Found> {
    let mut v = Vec::new();
    for f in &report.findings {
        let id = checklist_id(f.id);
        let status = match f.status {
            inspect::Status::Pass => Status::Pass,
            inspect::Status::Fail => Status::Fail,
            inspect::Status::Skipped => Status::Skipped,
            inspect::Status::Error => Status::Error,
        };
        if id == "tenant-connection" {
            let mut evidence = format!("{base}: {}", f.detail);
            let status = if status == Status::Pass && !missing.is_empty() {
                evidence.push_str(&format!(
                    " The token lacks {}: the checks that need them are skipped.",
                    missing.join(", ")
                ));
                Status::Warning
            } else {
                status
            };
            v.push(found(id, status, evidence));
        } else {
            v.push(found(id, status, f.detail.clone()));
        }
    }
    v.push(code_reachable(base, report.live_code.as_deref()));
    v
}
