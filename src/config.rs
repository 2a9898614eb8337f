//! Profiles and wizard progress on disk: one TOML file per profile in the
//! config directory, written atomically. No secret is ever stored here.

use crate::wizard::Step;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DEFAULT_PROFILE: &str = "default";

/// What is remembered between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The chosen provider's catalog id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The step to resume at.
    #[serde(default)]
    pub step: Step,
    /// The number the test message goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_recipient: Option<String>,
    /// Non-secret settings, by provider id, then canonical name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, BTreeMap<String, String>>,
}

/// Where sms-mfa keeps its files.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// The platform's directories (XDG on Linux, honouring XDG_CONFIG_HOME
    /// and XDG_DATA_HOME).
    pub fn from_platform() -> Option<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "sms-mfa")?;
        Some(Paths {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
        })
    }

    /// Where `tenant apply` saves the code and settings it replaces.
    pub fn backups_dir(&self) -> PathBuf {
        self.data_dir.join("backups")
    }

    /// What the last apply pushed to a tenant (a digest, never a value).
    pub fn applied_file(&self, base: &str) -> PathBuf {
        let host: String = base
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.data_dir.join("applied").join(format!("{host}.json"))
    }

    pub fn profiles_dir(&self) -> PathBuf {
        self.config_dir.join("profiles")
    }

    pub fn profile_file(&self, name: &str) -> PathBuf {
        self.profiles_dir().join(format!("{name}.toml"))
    }

    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}

/// A profile name is also part of keyring entry names and file names.
pub fn check_profile_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.contains("..");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid profile name {name:?}: use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
        ))
    }
}

/// The result of loading a profile: the profile to use, and a message for
/// the user when the file on disk could not be used.
#[derive(Debug)]
pub struct Loaded {
    pub profile: Profile,
    pub notice: Option<String>,
}

/// Load a profile. A missing file is a fresh start. A corrupt or unreadable
/// file is moved aside (never deleted) and the user is told where it went.
pub fn load(paths: &Paths, name: &str) -> Loaded {
    let path = paths.profile_file(name);
    let problem = match std::fs::read(&path) {
        Ok(bytes) => match std::str::from_utf8(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|t| toml::from_str::<Profile>(t).map_err(|e| e.message().to_string()))
        {
            Ok(profile) => {
                return Loaded {
                    profile,
                    notice: None,
                };
            }
            Err(e) => format!("could not be read as a profile ({e})"),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                profile: Profile::default(),
                notice: None,
            };
        }
        Err(e) => format!("could not be read ({e})"),
    };
    tracing::warn!(path = %path.display(), %problem, "profile unusable, starting fresh");
    let notice = match move_aside(&path) {
        Ok(bak) => format!(
            "The saved progress in {} {problem}. It was moved to {} and the wizard starts fresh.",
            path.display(),
            bak.display()
        ),
        Err(e) => format!(
            "The saved progress in {} {problem}, and it could not be moved aside ({e}). The wizard starts fresh; fix or remove the file to keep your next progress.",
            path.display()
        ),
    };
    Loaded {
        profile: Profile::default(),
        notice: Some(notice),
    }
}

/// Rename `path` to the first free `path.bak`, `path.bak.1`, ...
fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let base = path.as_os_str().to_owned();
    for n in 0..1000 {
        let mut candidate = base.clone();
        if n == 0 {
            candidate.push(".bak");
        } else {
            candidate.push(format!(".bak.{n}"));
        }
        let candidate = PathBuf::from(candidate);
        if !candidate.exists() {
            std::fs::rename(path, &candidate)?;
            return Ok(candidate);
        }
    }
    Err(std::io::Error::other("too many backups"))
}

/// Write a file atomically: a temporary file beside it, then rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Save a profile atomically: write a temporary file beside it, then rename.
pub fn save(paths: &Paths, name: &str, profile: &Profile) -> std::io::Result<PathBuf> {
    let dir = paths.profiles_dir();
    std::fs::create_dir_all(&dir)?;
    let path = paths.profile_file(name);
    let text = toml::to_string_pretty(profile).map_err(std::io::Error::other)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    tmp.write_all(
        b"# sms-mfa profile: progress and non-secret settings. Secrets live in the OS keyring.\n",
    )?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: &Path) -> Paths {
        Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
        }
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        let mut profile = Profile {
            provider: Some("vonage".into()),
            step: Step::TestMessage,
            test_recipient: Some("+14155550100".into()),
            ..Profile::default()
        };
        profile
            .settings
            .entry("vonage".into())
            .or_default()
            .insert("VONAGE_API_KEY".into(), "abcd1234".into());
        save(&p, "work", &profile).unwrap();
        let loaded = load(&p, "work");
        assert_eq!(loaded.profile, profile);
        assert!(loaded.notice.is_none());
        // Another profile is untouched.
        assert_eq!(load(&p, "other").profile, Profile::default());
    }

    #[test]
    fn corrupt_file_is_moved_aside_never_lost() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::create_dir_all(p.profiles_dir()).unwrap();
        let file = p.profile_file("default");
        for round in 0..2 {
            std::fs::write(&file, "step = [[[ not toml").unwrap();
            let loaded = load(&p, "default");
            assert_eq!(loaded.profile, Profile::default());
            let notice = loaded.notice.unwrap();
            assert!(notice.contains("moved to"), "{notice}");
            let bak = if round == 0 {
                file.with_extension("toml.bak")
            } else {
                file.with_extension("toml.bak.1")
            };
            assert_eq!(
                std::fs::read_to_string(&bak).unwrap(),
                "step = [[[ not toml"
            );
            assert!(!file.exists());
        }
    }

    #[test]
    fn unknown_step_is_corrupt_but_unknown_keys_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::create_dir_all(p.profiles_dir()).unwrap();
        std::fs::write(p.profile_file("a"), "step = \"secrets\"\nfuture_key = 1\n").unwrap();
        assert_eq!(load(&p, "a").profile.step, Step::Secrets);
        std::fs::write(p.profile_file("b"), "step = \"warp\"\n").unwrap();
        assert!(load(&p, "b").notice.is_some());
    }

    #[test]
    fn profile_names() {
        assert!(check_profile_name("default").is_ok());
        assert!(check_profile_name("acme-prod.eu_1").is_ok());
        for bad in ["", "../x", "a/b", ".hidden", "a..b", &"x".repeat(65)] {
            assert!(check_profile_name(bad).is_err(), "{bad}");
        }
    }
}
