//! Misbehaving loopback servers, as an attacker (or a broken proxy) would
//! run them: answers full of terminal escape sequences, bodies larger than
//! any API sends or without end, redirects elsewhere, answers that trickle
//! in. The outside sources they stand for: the provider APIs and the Auth0
//! Management API (the well-behaved fakes are in fakes.rs and
//! src/sandbox/), each bent the way issue 16 found them bent.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Text that renames the window (OSC 0), clears the screen, reverses the
/// line (U+202E), hides a link (OSC 8) and uses a C1 control (CSI).
pub const EVIL: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}\u{1b}]8;;http://evil.example\u{7}link\u{1b}]8;;\u{7}\u{9b}31m";

/// Fail if a control that steers a terminal reached `text` raw.
pub fn assert_clean(what: &str, text: &str) {
    for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(
            !text.contains(bad),
            "{what}: a raw {bad:?} reached the output:\n{text:?}"
        );
    }
}

/// A raw HTTP/1.1 server on `ip` (port chosen by the system): for every
/// connection it reads the request head (and a Content-Length body), then
/// calls `respond` with the stream. Counts connections.
pub struct Raw {
    pub addr: SocketAddr,
    pub hits: Arc<AtomicUsize>,
}

impl Raw {
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

pub fn raw(ip: &str, respond: impl Fn(&mut TcpStream) + Send + Sync + 'static) -> Raw {
    let listener = TcpListener::bind((ip, 0)).expect("bind a loopback port");
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let respond = Arc::new(respond);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            counter.fetch_add(1, Ordering::SeqCst);
            let respond = respond.clone();
            std::thread::spawn(move || {
                if read_request(&mut stream) {
                    respond(&mut stream);
                }
            });
        }
    });
    Raw { addr, hits }
}

/// Read one request's head and body; false if the client went away.
fn read_request(s: &mut TcpStream) -> bool {
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).is_ok()
}

/// An answer whose body never ends: 64 KiB chunks until the client leaves.
pub fn endless(s: &mut TcpStream) {
    let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    if s.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
    chunk.extend(std::iter::repeat_n(b'a', 64 * 1024));
    chunk.extend_from_slice(b"\r\n");
    while s.write_all(&chunk).is_ok() {}
}

/// An answer of `size` bytes with its length announced (or chunked when
/// `announce` is false).
pub fn large(size: usize, announce: bool) -> impl Fn(&mut TcpStream) + Send + Sync + 'static {
    move |s: &mut TcpStream| {
        let head = if announce {
            format!(
                "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\r\n"
            )
        } else {
            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".into()
        };
        if s.write_all(head.as_bytes()).is_err() {
            return;
        }
        let block = vec![b' '; 64 * 1024];
        let mut left = size;
        while left > 0 {
            let n = left.min(block.len());
            let ok = if announce {
                s.write_all(&block[..n]).is_ok()
            } else {
                s.write_all(format!("{n:x}\r\n").as_bytes()).is_ok()
                    && s.write_all(&block[..n]).is_ok()
                    && s.write_all(b"\r\n").is_ok()
            };
            if !ok {
                return;
            }
            left -= n;
        }
        if !announce {
            let _ = s.write_all(b"0\r\n\r\n");
        }
    }
}

/// An answer that announces 1000 bytes and sends one every 100 ms.
pub fn trickle(s: &mut TcpStream) {
    let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
    if s.write_all(head.as_bytes()).is_err() {
        return;
    }
    for _ in 0..1000 {
        std::thread::sleep(Duration::from_millis(100));
        if s.write_all(b" ").is_err() {
            return;
        }
    }
}

/// A redirect to `to`, with status `status`.
pub fn redirect(status: u16, to: String) -> impl Fn(&mut TcpStream) + Send + Sync + 'static {
    move |s: &mut TcpStream| {
        let _ = s.write_all(
            format!("HTTP/1.1 {status} Redirect\r\nlocation: {to}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
                .as_bytes(),
        );
    }
}

/// One run of the binary with its peak resident memory (`ru_maxrss` of
/// the child, from wait4(2)).
#[derive(Debug)]
pub struct Measured {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub peak_kib: i64,
}

/// Run `sms-mfa ARGS` as [`super::keyring::sms_mfa`] does, and measure its
/// peak memory.
///
/// Not spawned from this test process: on Linux a child's `ru_maxrss`
/// starts at the peak of the address space it leaves at exec, which for
/// posix_spawn is its parent's, and this process (many tests at once) is
/// large. So this test binary is started again as a small helper
/// ([`measure_child`]) that spawns the program and reports wait4(2)'s
/// numbers through files.
pub fn measured(home: &Path, args: &[&str], env: &[(&str, String)]) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = vec![home.display().to_string(), args.len().to_string()];
    spec.extend(args.iter().map(|a| a.to_string()));
    for (k, v) in env {
        spec.push(k.to_string());
        spec.push(v.clone());
    }
    std::fs::write(dir.path().join("spec"), spec.join("\0")).unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "common::hostile::measure_child",
            "--ignored",
            "--test-threads=1",
        ])
        .env(MEASURE, dir.path())
        .stdout(Stdio::null())
        .status()
        .expect("start the measuring helper");
    assert!(status.success(), "the measuring helper failed");
    let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();
    let result = read("result");
    let (code, peak) = result.split_once(' ').unwrap();
    Measured {
        code: code.parse().unwrap(),
        stdout: read("stdout"),
        stderr: read("stderr"),
        peak_kib: peak.trim().parse().unwrap(),
    }
}

/// Where [`measure_child`] finds what to run.
const MEASURE: &str = "SMS_MFA_TEST_MEASURE";

/// The helper of [`measured`]: does nothing unless started by it.
#[test]
#[ignore = "a helper: measured() runs it in a process of its own"]
#[allow(clippy::zombie_processes)] // reaped by wait4 below
fn measure_child() {
    let Some(dir) = std::env::var_os(MEASURE) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let spec = std::fs::read_to_string(dir.join("spec")).unwrap();
    let mut parts = spec.split('\0');
    let home = std::path::PathBuf::from(parts.next().unwrap());
    let n: usize = parts.next().unwrap().parse().unwrap();
    let args: Vec<&str> = parts.by_ref().take(n).collect();
    let rest: Vec<&str> = parts.collect();
    let env: Vec<(&str, String)> = rest
        .chunks(2)
        .map(|kv| (kv[0], kv[1].to_string()))
        .collect();
    let child = super::keyring::command(&home, &args, &env)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("stdout")).unwrap())
        .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
        .spawn()
        .expect("start sms-mfa");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 on our own child, with valid out-pointers.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    std::fs::write(dir.join("result"), format!("{code} {}", usage.ru_maxrss)).unwrap();
}
