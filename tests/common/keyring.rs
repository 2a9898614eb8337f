//! A real Secret Service for tests: a private D-Bus session bus and a
//! gnome-keyring-daemon with its own temporary HOME, torn down on drop.
//!
//! The bus has no service directories, so nothing is activated behind the
//! test's back: no prompter (unlock dialogs fail at once, as on a headless
//! machine) and no second keyring daemon. Needs the Debian packages
//! gnome-keyring, dbus (dbus-daemon, dbus-send) and libsecret-tools
//! (secret-tool); `.ci/run` installs them. A missing tool fails the test: it
//! never skips.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The keyring password of the test login keyring.
const PASSWORD: &str = "test-keyring-password";

pub struct TestKeyring {
    dir: tempfile::TempDir,
    bus: Child,
    daemon: Option<Child>,
    /// The bus address, for DBUS_SESSION_BUS_ADDRESS.
    pub address: String,
}

fn need(tool: &str) -> &str {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{tool} is not installed: the keyring tests need the Debian packages gnome-keyring, dbus, dbus-x11 and libsecret-tools (see .ci/run)"
    );
    tool
}

impl TestKeyring {
    /// A bus with an unlocked login keyring on it.
    pub fn unlocked() -> TestKeyring {
        let mut k = TestKeyring::bus_only();
        k.start_daemon(true);
        // Ready only once the login keyring is the default collection.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !k.has_default_collection() {
            assert!(
                Instant::now() < deadline,
                "the login keyring did not become the default collection"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        k
    }

    fn has_default_collection(&self) -> bool {
        let out = Command::new(need("dbus-send"))
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.ReadAlias",
                "string:default",
            ])
            .output()
            .expect("run dbus-send");
        let text = String::from_utf8_lossy(&out.stdout);
        text.contains("object path \"/org/freedesktop/secrets/collection/")
    }

    /// A bus with a Secret Service that was never unlocked: on a fresh HOME
    /// it has no default collection at all.
    pub fn never_unlocked() -> TestKeyring {
        let mut k = TestKeyring::bus_only();
        k.start_daemon(false);
        k
    }

    /// A session bus with nobody offering a Secret Service on it.
    pub fn bus_only() -> TestKeyring {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let conf = dir.path().join("bus.conf");
        std::fs::write(
            &conf,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.path().join("run").display()
            ),
        )
        .unwrap();
        let mut bus = Command::new(need("dbus-daemon"))
            .arg(format!("--config-file={}", conf.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        let mut out = bus.stdout.take().unwrap();
        let mut address = String::new();
        let mut byte = [0u8; 1];
        while std::io::Read::read(&mut out, &mut byte).expect("read the bus address") == 1 {
            if byte[0] == b'\n' {
                break;
            }
            address.push(byte[0] as char);
        }
        assert!(
            address.starts_with("unix:"),
            "dbus-daemon gave no address: {address:?}"
        );
        TestKeyring {
            dir,
            bus,
            daemon: None,
            address,
        }
    }

    /// The keyring daemon's HOME (its keyrings are under .local/share/keyrings).
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// Environment for a process that should use this keyring.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![("DBUS_SESSION_BUS_ADDRESS", self.address.clone())]
    }

    /// Start gnome-keyring-daemon (secrets component) on this bus, unlocked
    /// with the test password or not, and wait until it owns its name.
    pub fn start_daemon(&mut self, unlock: bool) {
        assert!(self.daemon.is_none(), "a daemon is already running");
        let mut cmd = Command::new(need("gnome-keyring-daemon"));
        cmd.args(["--foreground", "--components=secrets"]);
        if unlock {
            cmd.arg("--unlock");
        }
        let mut daemon = cmd
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon");
        {
            let mut stdin = daemon.stdin.take().unwrap();
            if unlock {
                stdin.write_all(PASSWORD.as_bytes()).unwrap();
            }
        } // closed: the daemon reads the password to the end
        self.daemon = Some(daemon);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.name_has_owner("org.freedesktop.secrets") {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring-daemon did not appear on the bus"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stop the keyring daemon politely (SIGTERM: it writes its keyrings
    /// first); the bus stays.
    pub fn stop_daemon(&mut self) {
        if let Some(mut d) = self.daemon.take() {
            signal(d.id(), libc::SIGTERM);
            let _ = d.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.name_has_owner("org.freedesktop.secrets") {
            assert!(Instant::now() < deadline, "the daemon did not go away");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Freeze the daemon (SIGSTOP): every call to it hangs.
    pub fn freeze(&self) {
        let pid = self.daemon.as_ref().expect("a running daemon").id();
        signal(pid, libc::SIGSTOP);
    }

    fn name_has_owner(&self, name: &str) -> bool {
        let out = Command::new(need("dbus-send"))
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
            ])
            .arg(format!("string:{name}"))
            .output()
            .expect("run dbus-send");
        String::from_utf8_lossy(&out.stdout).contains("boolean true")
    }

    /// What the Secret Service holds for sms-mfa user `user`, asked with an
    /// independent client (secret-tool), not with the code under test.
    pub fn lookup(&self, user: &str) -> Option<String> {
        self.lookup_in("sms-mfa", user)
    }

    /// The same, for entries of another service (the sandbox's).
    pub fn lookup_in(&self, service: &str, user: &str) -> Option<String> {
        let out = Command::new(need("secret-tool"))
            .args(["lookup", "service", service, "username", user])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", self.home())
            .output()
            .expect("run secret-tool");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The directory everything of this keyring lives in.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for TestKeyring {
    fn drop(&mut self) {
        if let Some(mut d) = self.daemon.take() {
            signal(d.id(), libc::SIGCONT);
            let _ = d.kill();
            let _ = d.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

/// Send `sig` to process `pid`.
pub fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) with a pid of a child this test started.
    let rc = unsafe { libc::kill(pid as i32, sig) };
    assert_eq!(rc, 0, "kill({pid}, {sig}) failed");
}

/// The binary under test: the one Cargo built for the tests, or
/// `SMS_MFA_TEST_BIN` (`.ci/run` points it at the release build).
pub fn binary() -> std::path::PathBuf {
    std::env::var_os("SMS_MFA_TEST_BIN")
        .map(Into::into)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_sms-mfa").into())
}

/// The outcome of one headless run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `sms-mfa ARGS` headless with `stdin` piped in, in `home` (as the PTY
/// harness does: XDG dirs under it, a clean environment), plus `env`.
pub fn sms_mfa(home: &Path, args: &[&str], stdin: &str, env: &[(&str, String)]) -> Run {
    let mut child = command(home, args, env).spawn().expect("start sms-mfa");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().expect("wait for sms-mfa");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The command [`sms_mfa`] runs: the clean environment, `env`, and piped
/// standard streams.
pub fn command(home: &Path, args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", home.join("no-bus").display()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}
