//! A pseudo-terminal harness: runs the real `sms-mfa` binary in a PTY and
//! reads its screen through a terminal emulator (`vt100`), as a person
//! would see it.
//!
//! Every wait polls the emulated screen with a deadline; nothing sleeps for
//! a fixed time and then assumes the program has caught up. A timed-out
//! wait panics with the whole screen, so a failure says what was shown.

#![allow(dead_code)] // each test file uses a different part of the harness

pub mod fakes;
pub mod hostile;
pub mod keyring;
pub mod walk;

// The simulated APIs are the sandbox's own (one implementation).
#[allow(unused_imports)] // each test file uses a different part
pub use sms_mfa::sandbox::{auth0, spec};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Keys as the terminal sends them.
pub const ENTER: &str = "\r";
/// Esc. Send it on its own: an Esc followed at once by more bytes may be
/// read as one Alt- or escape sequence.
pub const ESC: &str = "\x1b";
pub const CTRL_C: &str = "\x03";
pub const CTRL_N: &str = "\x0e";
pub const TAB: &str = "\t";
pub const UP: &str = "\x1b[A";
pub const DOWN: &str = "\x1b[B";

/// How long a wait lasts unless told otherwise.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How often a wait looks at the screen again.
const POLL: Duration = Duration::from_millis(20);

pub use keyring::binary;

/// One run of the binary in its own pseudo-terminal.
pub struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Mutex<Box<dyn Write + Send>>,
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote to the terminal, in order.
    raw: Arc<Mutex<Vec<u8>>>,
    /// Feeds every byte the program writes into `parser`; it ends when the
    /// program (and so the last holder of the terminal's slave side) exits.
    reader: Option<JoinHandle<()>>,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal size is at least 1x1")
}

fn size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// Collapse every run of whitespace (line breaks included) to one space.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Session {
    /// Start `sms-mfa ARGS` in an 80x24 terminal; see [`Session::spawn_sized`].
    pub fn spawn(args: &[&str], home: &Path) -> Session {
        Session::spawn_sized(args, home, 80, 24)
    }

    /// Start `sms-mfa ARGS` in a `cols`x`rows` terminal, in `home`, with a
    /// clean environment: only PATH, TERM=xterm-256color, HOME=`home`,
    /// XDG_CONFIG_HOME=`home`/config and XDG_DATA_HOME=`home`/data. The
    /// profiles are then in `home`/config/sms-mfa/profiles.
    pub fn spawn_sized(args: &[&str], home: &Path, cols: u16, rows: u16) -> Session {
        Session::spawn_with(args, home, cols, rows, &[])
    }

    /// Like [`Session::spawn_sized`], with more environment variables. The
    /// session bus defaults to a socket that does not exist, so no test
    /// reaches the keyring of the person running it; pass
    /// `DBUS_SESSION_BUS_ADDRESS` to use a test keyring.
    pub fn spawn_with(
        args: &[&str],
        home: &Path,
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Session {
        let pair = native_pty_system()
            .openpty(size(cols, rows))
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(binary());
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", home.join("no-bus").display()),
        );
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(home);
        let child = pair.slave.spawn_command(cmd).expect("start sms-mfa");
        // Only the child may hold the slave side, so that reading the master
        // ends (EIO) once the child has exited and all its output is read.
        drop(pair.slave);
        let mut input = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let feed = Arc::clone(&parser);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&raw);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match input.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        record.lock().unwrap().extend_from_slice(&buf[..n]);
                        feed.lock().unwrap().process(&buf[..n]);
                    }
                }
            }
        });
        Session {
            master: pair.master,
            writer: Mutex::new(writer),
            child,
            parser,
            raw,
            reader: Some(reader),
        }
    }

    /// The text on the screen now, rows joined by newlines (trailing blanks
    /// of each row dropped).
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Every byte the program has written to the terminal so far: what any
    /// frame ever showed, not just the current screen.
    pub fn transcript(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Whether the program has the terminal on its alternate screen (a
    /// full-screen UI is running and has not restored the terminal).
    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Wait until the screen shows `text` (10 s at most).
    pub fn wait_for(&self, text: &str) {
        self.wait_for_within(text, TIMEOUT);
    }

    /// Wait until the screen shows `text`, at most `timeout`.
    pub fn wait_for_within(&self, text: &str, timeout: Duration) {
        self.wait_until_within(&format!("{text:?}"), timeout, |s| s.contains(text));
    }

    /// Wait until the screen shows `text`, which may be word-wrapped over
    /// several rows: runs of whitespace, line breaks included, match any
    /// other run of whitespace.
    pub fn wait_for_wrapped(&self, text: &str) {
        let text = squeeze(text);
        self.wait_until(&format!("{text:?} (maybe wrapped)"), |s| {
            squeeze(s).contains(&text)
        });
    }

    /// Wait until the screen no longer shows `text` (10 s at most).
    pub fn wait_gone(&self, text: &str) {
        self.wait_until(&format!("{text:?} to disappear"), |s| !s.contains(text));
    }

    /// Wait until `ok` holds for the screen text (10 s at most). `what`
    /// names the condition in the panic message.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) {
        self.wait_until_within(what, TIMEOUT, ok);
    }

    /// Wait until `ok` holds for the screen text, at most `timeout`; panic
    /// with the screen if it does not.
    pub fn wait_until_within(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {timeout:?} waiting for {what}; the screen shows:\n{screen}"
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Type `keys` into the terminal (see the key constants above).
    pub fn send(&self, keys: &str) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(keys.as_bytes()).expect("write to the pty");
        w.flush().expect("flush the pty");
    }

    /// Resize the terminal (the program gets SIGWINCH) and the emulator.
    pub fn resize(&self, cols: u16, rows: u16) {
        self.parser.lock().unwrap().set_size(nz(rows), nz(cols));
        self.master
            .resize(size(cols, rows))
            .expect("resize the pty");
    }

    /// The program's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child's pid")
    }

    /// Wait for the program to exit (10 s at most) and return its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        self.wait_exit_within(TIMEOUT)
    }

    /// Wait for the program to exit, at most `timeout`, then (10 s at most)
    /// for all it wrote to reach the screen; return its exit code. On timeout, kill it and
    /// panic with the screen.
    pub fn wait_exit_within(&mut self, timeout: Duration) -> u32 {
        let deadline = Instant::now() + timeout;
        let code = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the child") {
                break status.exit_code();
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "the program did not exit within {timeout:?}; the screen shows:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(POLL);
        };
        // The last bytes (leaving the alternate screen, an error message)
        // may still be in the pty: wait for the reader to reach the end.
        let deadline = Instant::now() + TIMEOUT;
        while self.reader.as_ref().is_some_and(|r| !r.is_finished()) {
            if Instant::now() >= deadline {
                panic!(
                    "the program exited ({code}) but its terminal output did not end; the screen shows:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(POLL);
        }
        if let Some(r) = self.reader.take() {
            r.join().expect("the pty reader thread");
        }
        code
    }
}

impl Drop for Session {
    /// A test that failed halfway leaves no program behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The runtime's services for a test: data under `dir`, an in-memory
/// keyring, `env` as the environment, `notify` for early messages.
pub fn services(
    dir: &Path,
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    notify: Option<tokio::sync::mpsc::UnboundedSender<sms_mfa::wizard::Msg>>,
) -> sms_mfa::tui::effects::Services {
    sms_mfa::tui::effects::Services {
        paths: sms_mfa::config::Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
        },
        catalog: sms_mfa::providers::Catalog::builtin(),
        store: Arc::new(sms_mfa::secrets::MemoryStore::new()),
        env: Arc::new(env),
        http: sms_mfa::providers::clients::Http::new(),
        notify,
        session: Arc::new(sms_mfa::config::Session::new(
            sms_mfa::config::Profile::default(),
            false,
        )),
    }
}
