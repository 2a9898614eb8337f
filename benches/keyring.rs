//! Latency of the OS keyring through `OsKeyring`, against a real Secret
//! Service (a private dbus-daemon and gnome-keyring-daemon, as in the
//! tests). Budget: under 20 ms for each of get and set.
//!
//! `cargo bench --bench keyring`

#[path = "../tests/common/keyring.rs"]
#[allow(dead_code)]
mod keyring;

use criterion::{Criterion, criterion_group, criterion_main};
use secrecy::SecretString;
use sms_mfa::secrets::{OsKeyring, SecretStore};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let k = keyring::TestKeyring::unlocked();
    // SAFETY: set before any thread of this process reads the environment.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &k.address) };
    let store = OsKeyring::new();
    let value = SecretString::from("fedcba98765432100123456789abcdef".to_string());
    let user = "bench/twilio/TWILIO_AUTH_TOKEN";
    store.set(user, &value).expect("the test keyring works");

    let mut g = c.benchmark_group("keyring");
    g.sample_size(50);
    g.bench_function("set", |b| {
        b.iter(|| store.set(black_box(user), &value).unwrap())
    });
    g.bench_function("get", |b| {
        b.iter(|| black_box(store.get(black_box(user)).unwrap()))
    });
    g.bench_function("get, absent entry", |b| {
        b.iter(|| black_box(store.get("bench/twilio/NONE").unwrap()))
    });
    g.bench_function("connect + get (first call of a command)", |b| {
        b.iter(|| black_box(OsKeyring::new().get(black_box(user)).unwrap()))
    });
    g.finish();
    store.delete(user).unwrap();
}

criterion_group!(benches, bench);
criterion_main!(benches);
