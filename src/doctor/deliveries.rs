//! The recent-deliveries check (checklist item `provider-logs`): the
//! provider's own delivery records of the last day, read through its API
//! (`Client::delivery_records`), failures shown with the provider's code,
//! its meaning and what to do.

use super::{Found, Status, found};
use crate::providers::clients::Client;
use crate::providers::delivery::{self, Query, State, clock};

pub(crate) const ID: &str = "provider-logs";
/// How far back the check looks.
pub(crate) const WINDOW: i64 = 24 * 3600;

/// Read the records (for `to`, or every recipient) and judge them: pass
/// when none failed, a warning when some did but the latest was
/// delivered, a failure when the latest failed; could-not-check when the
/// provider's API cannot be read, with why.
pub(crate) async fn check(client: &Client, to: Option<&str>) -> Found {
    let q = Query {
        to: to.map(str::to_string),
        since: delivery::now() - WINDOW,
        limit: delivery::DEFAULT_RECORDS,
    };
    let whom = to.map_or_else(|| "any recipient".to_string(), |t| t.to_string());
    match client.delivery_records(&q).await {
        Err(c) => {
            let mut f = found(ID, Status::Error, c.reason);
            f.fix = Some(c.fix);
            f
        }
        Ok(r) if r.records.is_empty() => found(
            ID,
            Status::Pass,
            format!(
                "{} has no messages to {whom} in the last 24 hours.",
                client.name()
            ),
        ),
        Ok(r) => {
            let failed: Vec<_> = r
                .records
                .iter()
                .filter(|x| x.state == State::Failed)
                .collect();
            let latest = &r.records[0];
            if failed.is_empty() {
                return found(
                    ID,
                    Status::Pass,
                    format!(
                        "{} recent message(s) to {whom}, none failed (latest {} {}).",
                        r.records.len(),
                        clock(latest.at),
                        latest.status
                    ),
                );
            }
            let lines: Vec<String> = failed
                .iter()
                .take(5)
                .map(|x| {
                    format!(
                        "{} {} {}{}{}",
                        clock(x.at),
                        x.to,
                        x.status,
                        x.code
                            .as_deref()
                            .map(|c| format!(" [{c}]"))
                            .unwrap_or_default(),
                        x.meaning
                            .as_deref()
                            .or(x.message.as_deref())
                            .map(|m| format!(": {m}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            let status = if latest.state == State::Failed {
                Status::Fail
            } else {
                Status::Warning
            };
            let mut f = found(
                ID,
                status,
                format!(
                    "{} of {} recent message(s) not delivered: {}",
                    failed.len(),
                    r.records.len(),
                    lines.join("; ")
                ),
            );
            f.fix = failed[0].fix.clone().map(|fix| {
                format!(
                    "{fix} (`sms-mfa trace --to {}` shows both sides.)",
                    failed[0].to
                )
            });
            f
        }
    }
}
