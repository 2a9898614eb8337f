//! Every request the simulated APIs get, checked against the vendors'
//! official OpenAPI specifications (their rules extracted into
//! assets/specs/requests.json by assets/specs/extract.py): method, path,
//! content type, and that every field sent is defined by the spec and every
//! required one is there. The tests use the same rules on what the real
//! clients send.

use super::server::Request;
use serde_json::Value;
use std::collections::BTreeSet;

fn rules() -> &'static Value {
    static RULES: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        serde_json::from_str(include_str!("../../assets/specs/requests.json"))
            .expect("requests.json")
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

fn check_fields(
    op: &str,
    what: &str,
    sent: &BTreeSet<String>,
    allowed: &Value,
    required: &Value,
    problems: &mut Vec<String>,
) {
    let allowed = names(allowed);
    let required = names(required);
    let unknown: Vec<_> = sent.difference(&allowed).collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "{op}: {what} sends fields the spec does not define: {unknown:?} (allowed: {allowed:?})"
        ));
    }
    let missing: Vec<_> = required.difference(sent).collect();
    if !missing.is_empty() {
        problems.push(format!(
            "{op}: {what} lacks fields the spec requires: {missing:?}"
        ));
    }
}

fn check_json(op: &str, prefix: &str, value: &Value, nested: &Value, problems: &mut Vec<String>) {
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
                    check_fields(
                        op,
                        &rule_key,
                        &sent,
                        &rule["allowed"],
                        &rule["required"],
                        problems,
                    );
                    check_json(op, &format!("{rule_key}."), item, nested, problems);
                }
            }
        }
    }
}

/// Every scope the Management API's specification defines.
pub fn management_scopes() -> &'static BTreeSet<String> {
    static ALL: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| names(&rules()["auth0_scopes"]))
}

/// The spec rule of operation `op`.
pub fn rule(op: &str) -> &'static Value {
    &rules()["operations"][op]
}

/// The operation (among those named `prefix*`) that `method` and `path`
/// match, most specific first: `/hooks/{id}` before a catch-all.
pub fn find(prefix: &str, method: &str, path: &str) -> Option<&'static str> {
    let ops = rules()["operations"].as_object()?;
    let mut found: Vec<(&'static str, usize)> = ops
        .iter()
        .filter(|(k, r)| {
            k.starts_with(prefix)
                && r["method"] == method
                && path_matches(r["path"].as_str().unwrap_or(""), path)
        })
        .map(|(k, r)| {
            let literal = r["path"].as_str().unwrap_or("").matches('{').count();
            (k.as_str(), literal)
        })
        .collect();
    found.sort_by_key(|(_, braces)| *braces);
    found.first().map(|(k, _)| *k)
}

/// What in `req` the spec of operation `op` does not allow.
pub fn problems(op: &str, req: &Request) -> Vec<String> {
    let mut out = Vec::new();
    let rule = rule(op);
    if !rule.is_object() {
        return vec![format!("no spec rule for {op}")];
    }
    if req.method.as_str() != rule["method"] {
        out.push(format!("{op}: method {}", req.method));
    }
    if !path_matches(rule["path"].as_str().unwrap(), req.url.path()) {
        out.push(format!(
            "{op}: path {} does not match the spec's {}",
            req.url.path(),
            rule["path"]
        ));
    }
    if let Some(q) = rule.get("query") {
        let sent: BTreeSet<String> = req.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        check_fields(op, "query", &sent, &q["allowed"], &q["required"], &mut out);
    }
    let Some(ct) = rule.get("content_type").and_then(|c| c.as_str()) else {
        return out;
    };
    let header = req
        .headers
        .get("content-type")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !header.starts_with(ct) {
        out.push(format!(
            "{op}: content type {header:?}, the spec wants {ct}"
        ));
        return out;
    }
    if ct == "application/json" {
        let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
            out.push(format!("{op}: the body is not JSON"));
            return out;
        };
        let sent: BTreeSet<String> = body
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        check_fields(
            op,
            "body",
            &sent,
            &rule["allowed"],
            &rule["required"],
            &mut out,
        );
        check_json(op, "", &body, &rule["nested"], &mut out);
    } else {
        let sent: BTreeSet<String> = url::form_urlencoded::parse(&req.body)
            .map(|(k, _)| k.into_owned())
            .collect();
        check_fields(
            op,
            "form",
            &sent,
            &rule["allowed"],
            &rule["required"],
            &mut out,
        );
    }
    out
}

/// Assert that `req` is a request the spec of operation `op` allows (for
/// tests).
pub fn check(op: &str, req: &Request) {
    let p = problems(op, req);
    assert!(p.is_empty(), "{}", p.join("\n"));
}

/// The form fields of a request, in order.
pub fn form(req: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
