//! `cargo bench --bench tenant`: a whole tenant check (token, inspection)
//! and the read for a plan, against the fake Management API with 150 ms of
//! latency on every answer. Budget: under 2x (the token call plus the
//! longest chain of dependent calls); for scale, the sum of all calls is
//! printed too.

use serde_json::json;
use sms_mfa::auth0::{Connection, inspect, plan};
use sms_mfa::codegen::{self, Target};
use sms_mfa::providers::Catalog;
use sms_mfa::sandbox::auth0::{self, Tenant};
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(150);
const RUNS: usize = 7;

/// A tenant where every check runs: a deployed, bound Action whose secrets
/// match, a Custom phone provider, a policy.
fn tenant() -> Tenant {
    let p = Catalog::builtin().get("twilio").unwrap();
    let code = codegen::render(p, Target::CustomPhoneProvider, None).unwrap();
    let mut t = Tenant::fresh_upe().with_bound_action(
        "act_1",
        "sms-mfa-twilio",
        "custom-phone-provider",
        &code,
    );
    t.actions[0]["secrets"] = json!(
        codegen::action_secrets(p)
            .into_iter()
            .map(|n| json!({"name": n, "updated_at": "2026-11-20T10:00:00.000Z"}))
            .collect::<Vec<_>>()
    );
    t.sms_enabled = true;
    t.policies = json!(["all-applications"]);
    t.phone_providers
        .push(json!({"id": "pro_1", "name": "custom", "disabled": false,
        "configuration": {"delivery_methods": ["text"]}}));
    t
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo test --benches` runs this with --bench absent: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let fake = auth0::serve(tenant(), LATENCY).await;
        let provider = Catalog::builtin().get("twilio");
        let mut checks = Vec::new();
        let mut plans = Vec::new();
        let mut calls = (0, 0);
        for _ in 0..RUNS {
            let before = fake.calls().await.len();
            let t0 = Instant::now();
            let conn = Connection::connect(
                fake.uri(),
                "acme.eu.auth0.com",
                auth0::CLIENT_ID,
                auth0::CLIENT_SECRET,
            )
            .await
            .expect("token");
            let report = inspect::inspect(&conn, provider).await;
            checks.push(t0.elapsed());
            assert!(report.all_pass(), "{report:#?}");
            let mid = fake.calls().await.len();
            let t1 = Instant::now();
            plan::observe(&conn, "sms-mfa-twilio").await.expect("observe");
            plans.push(t1.elapsed());
            calls = (mid - before, fake.calls().await.len() - mid);
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let lat = ms(LATENCY);
        // The dependent chain of a check: (settings, factors, policies,
        // logs) -> (phone providers, bindings) -> the bound Action's code.
        let chain = 3.0;
        let check = median(checks);
        println!(
            "tenant check: {:.0} ms median of {RUNS} ({} API calls + the token); sum of calls {:.0} ms; budget 2 x (token + {chain} dependent calls) = {:.0} ms -> {}",
            ms(check),
            calls.0,
            (calls.0 as f64 + 1.0) * lat,
            2.0 * (1.0 + chain) * lat,
            if ms(check) < 2.0 * (1.0 + chain) * lat { "within budget" } else { "OVER BUDGET" }
        );
        // Reading for a plan: (settings, factors, policies, triggers,
        // actions) -> (phone providers, bindings) -> other bound code.
        let plan_chain = 2.0;
        let observe = median(plans);
        println!(
            "tenant read for a plan: {:.0} ms median of {RUNS} ({} API calls); sum of calls {:.0} ms; budget 2 x {plan_chain} dependent calls = {:.0} ms -> {}",
            ms(observe),
            calls.1,
            calls.1 as f64 * lat,
            2.0 * plan_chain * lat,
            if ms(observe) < 2.0 * plan_chain * lat { "within budget" } else { "OVER BUDGET" }
        );
    });
}
