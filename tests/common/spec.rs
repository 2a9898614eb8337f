//! Every request a client sends, checked against the vendors' official
//! OpenAPI specifications (their rules extracted into tests/specs/requests.json
//! by tests/specs/extract.py): method, path, content type, and that every
//! field sent is defined by the spec and every required one is there.

use serde_json::Value;
use std::collections::BTreeSet;
use wiremock::Request;

fn rules() -> &'static Value {
    static RULES: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        serde_json::from_str(include_str!("../specs/requests.json")).expect("requests.json")
    })
}

fn names(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if let (Some(open), Some(close)) = (t.find('{'), t.find('}')) {
                // "{Sid}.json" matches "AC123.json"
                let (pre, post) = (&t[..open], &t[close + 1..]);
                p.starts_with(pre) && p.ends_with(post) && p.len() > pre.len() + post.len()
            } else {
                t == p
            }
        })
}

fn check_fields(op: &str, what: &str, sent: &BTreeSet<String>, allowed: &Value, required: &Value) {
    let allowed = names(allowed);
    let required = names(required);
    let unknown: Vec<_> = sent.difference(&allowed).collect();
    assert!(
        unknown.is_empty(),
        "{op}: {what} sends fields the spec does not define: {unknown:?} (allowed: {allowed:?})"
    );
    let missing: Vec<_> = required.difference(sent).collect();
    assert!(
        missing.is_empty(),
        "{op}: {what} lacks fields the spec requires: {missing:?}"
    );
}

fn check_json(op: &str, prefix: &str, value: &Value, nested: &Value) {
    let Some(obj) = value.as_object() else { return };
    for (k, v) in obj {
        let key = format!("{prefix}{k}");
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let rule_key = if v.is_array() {
            format!("{key}[]")
        } else {
            key.clone()
        };
        if let Some(rule) = nested.get(&rule_key) {
            for item in items {
                if let Some(o) = item.as_object() {
                    let sent: BTreeSet<String> = o.keys().cloned().collect();
                    check_fields(op, &rule_key, &sent, &rule["allowed"], &rule["required"]);
                    check_json(op, &format!("{rule_key}."), item, nested);
                }
            }
        }
    }
}

/// Assert that `req` is a request the spec of operation `op` allows.
pub fn check(op: &str, req: &Request) {
    let rule = &rules()["operations"][op];
    assert!(rule.is_object(), "no spec rule for {op}");
    assert_eq!(req.method.as_str(), rule["method"], "{op}: method");
    assert!(
        path_matches(rule["path"].as_str().unwrap(), req.url.path()),
        "{op}: path {} does not match the spec's {}",
        req.url.path(),
        rule["path"]
    );
    if let Some(q) = rule.get("query") {
        let sent: BTreeSet<String> = req.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        check_fields(op, "query", &sent, &q["allowed"], &q["required"]);
    }
    let Some(ct) = rule.get("content_type").and_then(|c| c.as_str()) else {
        return;
    };
    let header = req
        .headers
        .get("content-type")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    assert!(
        header.starts_with(ct),
        "{op}: content type {header:?}, the spec wants {ct}"
    );
    if ct == "application/json" {
        let body: Value = serde_json::from_slice(&req.body).expect("a JSON body");
        let sent: BTreeSet<String> = body
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        check_fields(op, "body", &sent, &rule["allowed"], &rule["required"]);
        check_json(op, "", &body, &rule["nested"]);
    } else {
        let sent: BTreeSet<String> = url::form_urlencoded::parse(&req.body)
            .map(|(k, _)| k.into_owned())
            .collect();
        check_fields(op, "form", &sent, &rule["allowed"], &rule["required"]);
    }
}

/// The form fields of a request, in order.
pub fn form(req: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
