//! Logging to a file in the data directory, never to the screen.

use crate::config::Paths;
use std::path::PathBuf;
use tracing_appender::non_blocking::WorkerGuard;

/// Start logging to `<data dir>/logs/sms-mfa.log`. Returns the guard that
/// flushes the log on drop, and the file's path; or why it could not start.
pub fn init(paths: &Paths, level: &str) -> Result<(WorkerGuard, PathBuf), String> {
    let dir = paths.log_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let appender = tracing_appender::rolling::never(&dir, "sms-mfa.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::new(format!("sms_mfa={level},warn"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok((guard, dir.join("sms-mfa.log")))
}
