//! The signals that end a headless run early: SIGINT, SIGTERM and SIGHUP
//! on unix, Ctrl-C and Ctrl-Break on Windows (21, as the C runtime's
//! SIGBREAK), Ctrl-C elsewhere. Each is told by its number (the exit code is
//! 128 + N).

/// Listens for the signals from creation on.
pub(crate) struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    /// Start listening (within a tokio runtime).
    pub(crate) fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// The number of the next signal.
    pub(crate) async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => 15,
                _ = self.hup.recv() => 1,
                _ = self.int.recv() => 2,
            }
        }
        #[cfg(windows)]
        {
            let mut brk = match tokio::signal::windows::ctrl_break() {
                Ok(b) => b,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return 2;
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => 2,
                _ = brk.recv() => 21,
            }
        }
        #[cfg(not(any(unix, windows)))]
        {
            let _ = tokio::signal::ctrl_c().await;
            2
        }
    }
}

/// The usual name of signal `n`.
pub(crate) fn name(n: i32) -> String {
    match n {
        1 => "SIGHUP".into(),
        2 => "SIGINT".into(),
        15 => "SIGTERM".into(),
        21 => "Ctrl-Break".into(),
        n => format!("signal {n}"),
    }
}
