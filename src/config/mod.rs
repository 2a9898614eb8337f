//! Profiles and wizard progress on disk: one TOML file per profile in the
//! config directory, written atomically. No secret is ever stored here.
//!
//! Every read-modify-write of a profile holds an advisory lock
//! (`NAME.toml.lock` beside it, `fs4`), so that processes writing different
//! settings at once all keep theirs; a running wizard holds
//! `NAME.wizard.lock`, with its PID in it, so a second one can say who has
//! the profile. Files are created 0600 in 0700 folders (unix).

mod step;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
pub use step::Step;

pub(crate) const DEFAULT_PROFILE: &str = "default";

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
    pub(crate) fn backups_dir(&self) -> PathBuf {
        self.data_dir.join("backups")
    }

    /// What the last apply pushed to a tenant (a digest, never a value).
    pub(crate) fn applied_file(&self, base: &str) -> PathBuf {
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

    pub(crate) fn profiles_dir(&self) -> PathBuf {
        self.config_dir.join("profiles")
    }

    pub fn profile_file(&self, name: &str) -> PathBuf {
        self.profiles_dir().join(format!("{name}.toml"))
    }

    pub(crate) fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}

/// A name that cannot be a profile's, with the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid profile name {0:?}: use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
)]
pub struct BadProfileName(pub String);

/// A profile name is also part of keyring entry names and file names.
pub fn check_profile_name(name: &str) -> Result<(), BadProfileName> {
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
        Err(BadProfileName(name.to_string()))
    }
}

/// The result of loading a profile: the profile to use, and a message for
/// the user when the file on disk could not be used.
#[derive(Debug)]
pub struct Loaded {
    pub profile: Profile,
    pub notice: Option<String>,
}

/// The largest file sms-mfa reads back (profiles, records): far more than
/// it ever writes.
pub(crate) const FILE_LIMIT: u64 = 1024 * 1024;

/// Read a file: a regular file only (not a device, a FIFO or a folder, also
/// behind a symlink), at most `limit` bytes.
pub(crate) fn read_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let not_regular = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not a regular file".to_string(),
        )
    };
    // Look before opening: opening a FIFO would wait for a writer.
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let too_large = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {} KiB", limit / 1024),
        )
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Create `dir` (and its parents) 0700 on unix; an existing `dir` is made
/// 0700 too. For the folders sms-mfa owns: profiles, backups, logs, code.
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        b.mode(0o700);
        b.create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    b.create(dir)?;
    Ok(())
}

/// Open `path` for writing, created 0600 on unix (truncated if it exists).
pub(crate) fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Write `bytes` to a new 0600 file.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = private_file(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Hold the profile's read-modify-write lock until the file is dropped.
fn lock_profile(paths: &Paths, name: &str) -> std::io::Result<std::fs::File> {
    private_dir(&paths.profiles_dir())?;
    let path = paths.profiles_dir().join(format!("{name}.toml.lock"));
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let file = o.open(&path)?;
    fs4::fs_std::FileExt::lock_exclusive(&file)?;
    Ok(file)
}

/// What [`update`] did.
#[derive(Debug)]
pub(crate) struct Updated<T> {
    /// The profile file.
    pub(crate) path: PathBuf,
    /// Why the file on disk could not be used (it was moved aside).
    pub(crate) notice: Option<String>,
    /// What the change returned.
    pub(crate) value: T,
}

/// Change a profile under its lock: load it as it is on disk now, apply
/// `change`, and save it if it changed. Other processes doing the same wait
/// their turn, so no change is lost.
pub(crate) fn update<T>(
    paths: &Paths,
    name: &str,
    change: impl FnOnce(&mut Profile) -> T,
) -> std::io::Result<Updated<T>> {
    let _lock = lock_profile(paths, name)?;
    let loaded = load(paths, name);
    let mut profile = loaded.profile.clone();
    let value = change(&mut profile);
    let path = if profile != loaded.profile {
        write_profile(paths, name, &profile)?
    } else {
        paths.profile_file(name)
    };
    Ok(Updated {
        path,
        notice: loaded.notice,
        value,
    })
}

/// Write into `disk` the changes from `base` to `mine`: each field and
/// each setting that `mine` changed, and nothing else, so what another
/// process changed meanwhile stays.
pub(crate) fn merge(disk: &mut Profile, base: &Profile, mine: &Profile) {
    if mine.provider != base.provider {
        disk.provider = mine.provider.clone();
    }
    if mine.step != base.step {
        disk.step = mine.step;
    }
    if mine.test_recipient != base.test_recipient {
        disk.test_recipient = mine.test_recipient.clone();
    }
    let providers: std::collections::BTreeSet<&String> =
        base.settings.keys().chain(mine.settings.keys()).collect();
    for p in providers {
        let (b, m) = (base.settings.get(p), mine.settings.get(p));
        let names: std::collections::BTreeSet<&String> =
            b.into_iter().chain(m).flat_map(|x| x.keys()).collect();
        for n in names {
            let (bv, mv) = (b.and_then(|x| x.get(n)), m.and_then(|x| x.get(n)));
            if bv == mv {
                continue;
            }
            match mv {
                Some(v) => {
                    disk.settings
                        .entry(p.clone())
                        .or_default()
                        .insert(n.clone(), v.clone());
                }
                None => {
                    if let Some(x) = disk.settings.get_mut(p) {
                        x.remove(n);
                        if x.is_empty() {
                            disk.settings.remove(p);
                        }
                    }
                }
            }
        }
    }
}

/// The wizard's saves: each one writes only what the wizard changed since
/// its last save (or since it loaded the profile) over what is on disk now,
/// under the profile's lock. Read-only: nothing is written.
pub struct Session {
    base: std::sync::Mutex<Profile>,
    pub(crate) read_only: bool,
}

impl Session {
    /// `base`: the profile as the wizard loaded it.
    pub fn new(base: Profile, read_only: bool) -> Session {
        Session {
            base: std::sync::Mutex::new(base),
            read_only,
        }
    }

    /// Save `mine` merged over the disk (see [`merge`]).
    pub(crate) fn save(
        &self,
        paths: &Paths,
        name: &str,
        mine: &Profile,
    ) -> std::io::Result<PathBuf> {
        if self.read_only {
            return Err(std::io::Error::other(
                "the profile is open read-only (another wizard has it); nothing was saved",
            ));
        }
        let mut base = self.base.lock().unwrap_or_else(|e| e.into_inner());
        let done = update(paths, name, |disk| merge(disk, &base, mine))?;
        *base = mine.clone();
        Ok(done.path)
    }
}

/// A running wizard's claim on its profile: held until dropped.
#[derive(Debug)]
pub struct WizardLock {
    _file: std::fs::File,
}

/// Whether the wizard may have the profile.
#[derive(Debug)]
pub enum Claim {
    Mine(WizardLock),
    /// Another wizard has it; its PID, when it wrote one.
    InUse(Option<u32>),
}

/// Claim the profile for this wizard (`NAME.wizard.lock`, with this PID in
/// it), or say who has it.
pub fn claim_wizard(paths: &Paths, name: &str) -> std::io::Result<Claim> {
    private_dir(&paths.profiles_dir())?;
    let path = paths.profiles_dir().join(format!("{name}.wizard.lock"));
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut file = o.open(&path)?;
    if fs4::fs_std::FileExt::try_lock_exclusive(&file)? {
        file.set_len(0)?;
        write!(file, "{}", std::process::id())?;
        file.flush()?;
        return Ok(Claim::Mine(WizardLock { _file: file }));
    }
    let mut text = String::new();
    let _ = (&file).take(64).read_to_string(&mut text);
    Ok(Claim::InUse(text.trim().parse().ok()))
}

/// Load a profile. A missing file is a fresh start. A corrupt or unreadable
/// file is moved aside (never deleted) and the user is told where it went.
pub fn load(paths: &Paths, name: &str) -> Loaded {
    let path = paths.profile_file(name);
    let problem = match read_capped(&path, FILE_LIMIT) {
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

/// Write a file atomically: a temporary file beside it (0600), then rename;
/// the folder is made 0700.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Save a profile atomically, replacing what is on disk, under its lock.
/// (To change a part of it, see [`update`].)
pub fn save(paths: &Paths, name: &str, profile: &Profile) -> std::io::Result<PathBuf> {
    let _lock = lock_profile(paths, name)?;
    write_profile(paths, name, profile)
}

/// Write a profile atomically: a temporary file (0600) beside it, then
/// rename. The caller holds the lock.
fn write_profile(paths: &Paths, name: &str, profile: &Profile) -> std::io::Result<PathBuf> {
    let dir = paths.profiles_dir();
    private_dir(&dir)?;
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

/// What sms-mfa last learned about a profile's tenant (by `tenant connect`
/// or `tenant check`), kept in DATA_DIR/tenants/PROFILE.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Known {
    pub(crate) domain: String,
    pub(crate) generation: String,
}

fn known_file(paths: &Paths, profile: &str) -> std::path::PathBuf {
    paths
        .data_dir
        .join("tenants")
        .join(format!("{profile}.json"))
}

/// Remember the tenant's generation for `profiles` (best effort).
pub(crate) fn remember(paths: &Paths, profile: &str, domain: &str, generation: &str) {
    let k = Known {
        domain: domain.to_string(),
        generation: generation.to_string(),
    };
    if let Ok(text) = serde_json::to_string_pretty(&k) {
        let _ = write_atomic(&known_file(paths, profile), text.as_bytes());
    }
}

pub(crate) fn known(paths: &Paths, profile: &str) -> Option<Known> {
    let bytes = read_capped(&known_file(paths, profile), 64 * 1024).ok()?;
    serde_json::from_slice(&bytes).ok()
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
    fn merge_keeps_what_others_wrote() {
        let mut base = Profile::default();
        base.settings
            .entry("twilio".into())
            .or_default()
            .insert("TWILIO_PHONE_NUMBER".into(), "+1".into());
        let mut mine = base.clone();
        mine.step = Step::TestMessage;
        mine.settings
            .get_mut("twilio")
            .unwrap()
            .remove("TWILIO_PHONE_NUMBER");
        let mut disk = base.clone();
        disk.settings
            .entry("auth0".into())
            .or_default()
            .insert("AUTH0_DOMAIN".into(), "x.auth0.com".into());
        merge(&mut disk, &base, &mine);
        assert_eq!(disk.step, Step::TestMessage);
        assert_eq!(disk.settings.get("twilio"), None, "my removal is kept");
        assert_eq!(disk.settings["auth0"]["AUTH0_DOMAIN"], "x.auth0.com");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_or_a_huge_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::create_dir_all(p.profiles_dir()).unwrap();
        std::os::unix::fs::symlink("/dev/zero", p.profile_file("zero")).unwrap();
        let loaded = load(&p, "zero");
        assert_eq!(loaded.profile, Profile::default());
        assert!(
            loaded.notice.unwrap().contains("not a regular file"),
            "refused"
        );
        let big = p.profile_file("big");
        std::fs::write(&big, vec![b'#'; FILE_LIMIT as usize + 1]).unwrap();
        assert!(load(&p, "big").notice.unwrap().contains("larger than"));
    }

    #[cfg(unix)]
    #[test]
    fn profiles_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        save(&p, "a", &Profile::default()).unwrap();
        let mode = |f: &Path| std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p.profile_file("a")), 0o600);
        assert_eq!(mode(&p.profiles_dir().join("a.toml.lock")), 0o600);
        assert_eq!(mode(&p.profiles_dir()), 0o700);
    }

    #[test]
    fn a_second_wizard_is_told_the_pid() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        let first = claim_wizard(&p, "a").unwrap();
        assert!(matches!(first, Claim::Mine(_)));
        match claim_wizard(&p, "a").unwrap() {
            Claim::InUse(pid) => assert_eq!(pid, Some(std::process::id())),
            Claim::Mine(_) => panic!("claimed twice"),
        }
        drop(first);
        assert!(matches!(claim_wizard(&p, "a").unwrap(), Claim::Mine(_)));
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
