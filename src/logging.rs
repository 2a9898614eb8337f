//! Logging to a file in the data directory, never to the screen. The file
//! is 0600 in a 0700 folder (unix), and every line passes through the
//! sanitizer: text from a provider or the tenant that reaches a log line
//! cannot steer the terminal of whoever reads the log.

use crate::config::{self, Paths};
use crate::sanitize::Sanitized;
use std::path::PathBuf;
use tracing_appender::non_blocking::WorkerGuard;

/// Start logging to `<data dir>/logs/sms-mfa.log`. Returns the guard that
/// flushes the log on drop, and the file's path; or why it could not start.
pub fn init(paths: &Paths, level: &str) -> Result<(WorkerGuard, PathBuf), String> {
    let dir = paths.log_dir();
    config::private_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("sms-mfa.log");
    let mut o = std::fs::OpenOptions::new();
    o.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        o.mode(0o600);
        // A log made by an earlier version may be 0644.
        if let Ok(m) = std::fs::metadata(&path)
            && m.is_file()
        {
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
    }
    let file = o
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(Sanitized::new(file));
    let filter = tracing_subscriber::EnvFilter::new(format!("sms_mfa={level},warn"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok((guard, path))
}
