//! The layers of the crate, from the ground up, in one place. A module may
//! import (`crate::…`) only the modules listed before its own; the test
//! below reads every `use crate::…` and `crate::…` path in `src/` and fails
//! on an edge that goes up (which is also what keeps the crate free of
//! cycles). `main.rs` sits on top of everything (it calls `app`) and is not listed.
//!
//! A layer is a top-level module (`config`), or a submodule that sits
//! higher than its parent (`providers::clients`: the provider clients need
//! the resolved settings, which need the provider catalog).

/// Bottom first. See the README's "How the code is laid out".
pub const LAYERS: &[&str] = &[
    "sanitize",
    "signals",
    "config",
    "secrets",
    "http",
    "logging",
    "providers",
    "settings",
    "providers::clients",
    "codegen",
    "auth0",
    "checklist",
    "doctor",
    "trace",
    "sandbox",
    "wizard",
    "ops",
    "tui",
    "cli",
    "commands",
    "app",
    "layers",
];

/// The layer of a module path (`providers::clients::twilio` is in
/// `providers::clients`, `providers::catalog` in `providers`): the longest
/// listed prefix.
pub fn layer_of(path: &str) -> Option<usize> {
    LAYERS
        .iter()
        .enumerate()
        .filter(|(_, l)| path == **l || path.starts_with(&format!("{l}::")))
        .max_by_key(|(_, l)| l.len())
        .map(|(i, _)| i)
}

/// The module paths that `source` reaches through `crate::`, comments
/// left out: `crate::a::b::C` gives `a::b::C`, and a group
/// `crate::a::{b, c::D}` gives `a::b` and `a::c::D`.
pub fn imports(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        // `sms_mfa_crate::` or `xcrate::` is not `crate::`.
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let path = path.trim_end_matches(':');
        let after = &rest[path.len()..];
        if after.trim_start_matches(':').starts_with('{') {
            let group = after.trim_start_matches(':');
            let end = matching_brace(group).unwrap_or(group.len());
            for item in split_top(&group[1..end]) {
                let item = item.trim();
                if !item.is_empty() && item != "self" {
                    out.push(format!("{path}::{item}"));
                } else if item == "self" {
                    out.push(path.to_string());
                }
            }
        } else if !path.is_empty() {
            out.push(path.to_string());
        }
    }
    out
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Split a use group at its top-level commas; a nested group keeps only
/// its head (`c::{D, E}` gives `c`), which names the module it reaches.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ if depth > 0 => continue,
            _ => {}
        }
        if depth == 0 && c != '}' {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| {
            let s = s.split(" as ").next().unwrap_or("").trim();
            s.trim_end_matches("::").to_string()
        })
        .collect()
}

/// The module path of a file under `src/`: `providers/clients/mod.rs` is
/// `providers::clients`, `tui/screens/code.rs` is `tui::screens::code`.
pub fn module_of(relative: &str) -> String {
    let p = relative.trim_end_matches(".rs");
    let p = p.strip_suffix("/mod").unwrap_or(p);
    p.replace('/', "::")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn no_module_imports_a_layer_above_its_own() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut all = Vec::new();
        files(&src, &mut all);
        let mut up = Vec::new();
        let mut checked = 0;
        for f in &all {
            let rel = f
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            // main.rs sits on top; this file's own test strings are not imports.
            if rel == "main.rs" || rel == "lib.rs" || rel == "layers.rs" {
                continue;
            }
            let module = module_of(&rel);
            let Some(mine) = layer_of(&module) else {
                panic!("{rel}: module {module} is in no layer; add it to LAYERS");
            };
            for target in imports(&std::fs::read_to_string(f).unwrap()) {
                checked += 1;
                let Some(theirs) = layer_of(&target) else {
                    panic!("{rel}: crate::{target} is in no layer; add it to LAYERS");
                };
                if theirs > mine {
                    up.push(format!(
                        "{rel} ({}) imports crate::{target} ({})",
                        LAYERS[mine], LAYERS[theirs]
                    ));
                }
            }
        }
        assert!(checked > 300, "the imports were read ({checked})");
        assert!(
            up.is_empty(),
            "imports that go up a layer:\n{}",
            up.join("\n")
        );
    }

    #[test]
    fn every_top_level_module_is_in_a_layer() {
        let lib = include_str!("lib.rs");
        for line in lib.lines() {
            if let Some(m) = line
                .trim()
                .strip_prefix("pub mod ")
                .or(line.trim().strip_prefix("pub(crate) mod "))
                .or(line.trim().strip_prefix("mod "))
            {
                let m = m.trim_end_matches(';');
                assert!(
                    layer_of(m).is_some(),
                    "lib.rs declares {m}, which LAYERS lacks"
                );
            }
        }
    }

    #[test]
    fn reads_paths_groups_and_skips_comments() {
        let src = "use crate::config::Profile;\n\
                   use crate::providers::{Catalog, clients::{self, Client}};\n\
                   // crate::tui::nothing\n\
                   let x = crate::settings::resolve(a); // crate::commands\n\
                   use sms_mfa_crate::x;\n";
        assert_eq!(
            imports(src),
            [
                "config::Profile",
                "providers::Catalog",
                "providers::clients",
                "settings::resolve"
            ]
        );
        assert_eq!(
            layer_of("providers::clients::twilio"),
            layer_of("providers::clients")
        );
        assert!(layer_of("providers::catalog") < layer_of("settings"));
        assert!(layer_of("settings") < layer_of("providers::clients"));
        assert_eq!(layer_of("nowhere"), None);
        assert_eq!(module_of("providers/clients/mod.rs"), "providers::clients");
        assert_eq!(module_of("tui/screens/code.rs"), "tui::screens::code");
    }

    #[test]
    fn an_upward_import_is_found() {
        // The edge issue 17 found: config imported the wizard's Step.
        let mine = layer_of(&module_of("config/mod.rs")).unwrap();
        let up = imports("use crate::wizard::Step;")
            .iter()
            .filter(|t| layer_of(t).unwrap() > mine)
            .count();
        assert_eq!(up, 1);
    }
}
