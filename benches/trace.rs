//! `cargo bench --bench trace`: `sms-mfa trace` over 200 delivery records
//! on the provider's side and 200 SMS log events on the tenant's, with
//! 150 ms of latency on every answer of both simulated APIs. Budget: within
//! 1.5x the longest chain of dependent requests (both sides are read at
//! once; each side's pages follow each other). The chain is counted from
//! what the fakes received; the sum of all requests is printed for scale.

use criterion::{Criterion, criterion_group, criterion_main};
use sms_mfa::auth0::Connection;
use sms_mfa::providers::Catalog;
use sms_mfa::providers::clients::{Client, Http, Settings};
use sms_mfa::providers::delivery::{self, Query};
use sms_mfa::sandbox::auth0::{self, Tenant};
use sms_mfa::sandbox::providers::{Accounts, Outcome, Past, Providers, credentials};
use sms_mfa::sandbox::scenario;
use sms_mfa::settings::Value;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(150);
const RECORDS: u32 = 200;
const TO: &str = "+14155550100";

fn trace(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let history: Vec<Past> = (0..RECORDS)
        .map(|i| Past {
            to: TO.into(),
            minutes_ago: 1 + i / 4,
            outcome: if i % 10 == 3 {
                Outcome::Filtered
            } else {
                Outcome::Delivered
            },
            code: None,
            message: None,
        })
        .collect();
    let (sim, fake) = rt.block_on(async {
        let mut tenant = Tenant::fresh_upe();
        tenant.logs = serde_json::Value::Array(scenario::history_logs(&history));
        let fake = auth0::serve(tenant, LATENCY).await;
        let sim = Providers::serve_with_delay(
            Accounts {
                history: history.clone(),
                ..Accounts::default()
            },
            None,
            LATENCY,
        )
        .await;
        (sim, fake)
    });
    let mut s = Settings::default();
    s.insert("TWILIO_BASE_URL", Value::Plain(sim.uri()));
    for (k, v) in credentials("twilio") {
        s.insert(k, Value::Plain(v.into()));
    }
    let client = Client::new(Catalog::builtin(), "twilio", &s, Http::new()).unwrap();
    let conn = Connection::with_token(fake.uri(), auth0::TOKEN.into());
    let q = Query {
        to: Some(TO.into()),
        since: delivery::now() - 24 * 3600,
        limit: RECORDS as usize,
    };

    // One traced run, to count the requests and check the result.
    let (took, provider_calls, tenant_calls) = rt.block_on(async {
        let p0 = sim.server.received_requests().len();
        let a0 = fake.calls().await.len();
        let t0 = Instant::now();
        let t = sms_mfa::trace::gather(Ok(&client), Ok(&conn), &q).await;
        let took = t0.elapsed();
        let side = t.provider_side.read().expect("provider records");
        assert_eq!(side.records.len(), RECORDS as usize);
        assert_eq!(
            t.auth0_side.read().expect("events").events.len(),
            RECORDS as usize
        );
        let p = sim.server.received_requests().len() - p0;
        let a = fake.calls().await.len() - a0;
        (took, p, a)
    });
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let lat = ms(LATENCY);
    // Each side's requests are a chain (a page needs the one before); the
    // sides run at once.
    let chain = provider_calls.max(tenant_calls) as f64;
    let budget = 1.5 * chain * lat;
    println!(
        "trace over {RECORDS} records per side: {:.0} ms ({provider_calls} provider requests, {tenant_calls} Auth0 requests; sum {:.0} ms); budget 1.5 x {chain} dependent requests = {budget:.0} ms -> {}",
        ms(took),
        (provider_calls + tenant_calls) as f64 * lat,
        if ms(took) < budget {
            "within budget"
        } else {
            "OVER BUDGET"
        }
    );

    let mut group = c.benchmark_group("trace");
    group.sample_size(10);
    group.bench_function("200_records_per_side_150ms", |b| {
        b.iter(|| rt.block_on(sms_mfa::trace::gather(Ok(&client), Ok(&conn), &q)))
    });
    group.finish();
}

criterion_group!(benches, trace);
criterion_main!(benches);
