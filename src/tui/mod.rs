//! The terminal runtime: draws the wizard, turns terminal events into
//! messages, and carries out the wizard's effects without blocking the
//! event loop.

pub mod keys;
pub mod screens;
pub mod view;
pub mod widgets;

use crate::config::{self, Paths};
use crate::wizard::{Effect, Msg, Wizard};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How the wizard ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal (SIGTERM, SIGHUP, SIGINT) ended the session; the terminal
    /// was restored and progress saved. Carries the signal number.
    Signal(i32),
}

/// Run the wizard in the terminal until the user quits.
pub async fn run(mut wizard: Wizard, paths: Paths) -> std::io::Result<Exit> {
    let mut terminal = ratatui::try_init()?;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    let result = event_loop(&mut terminal, &mut wizard, &paths).await;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    wizard: &mut Wizard,
    paths: &Paths,
) -> std::io::Result<Exit> {
    let mut events = EventStream::new();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut pending: Vec<JoinHandle<()>> = Vec::new();
    loop {
        terminal.draw(|f| view::draw(f, wizard))?;
        let msgs: Vec<Msg> = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    keys::map(wizard, k).into_iter().collect()
                }
                Some(Ok(Event::Paste(text))) => keys::paste(wizard, &text),
                Some(Ok(_)) => Vec::new(), // resize and others: just redraw
                Some(Err(e)) => return Err(e),
                None => return Ok(Exit::Quit),
            },
            Some(msg) = rx.recv() => vec![msg],
            _ = sigterm.recv() => return finish(pending, Exit::Signal(15)).await,
            _ = sighup.recv() => return finish(pending, Exit::Signal(1)).await,
            _ = sigint.recv() => return finish(pending, Exit::Signal(2)).await,
        };
        for msg in msgs {
            for effect in wizard.update(msg) {
                match effect {
                    Effect::SaveProfile { name, profile } => {
                        let tx = tx.clone();
                        let paths = paths.clone();
                        pending.retain(|h| !h.is_finished());
                        pending.push(tokio::task::spawn_blocking(move || {
                            let result = config::save(&paths, &name, &profile)
                                .map(|path| tracing::debug!(path = %path.display(), "progress saved"))
                                .map_err(|e| {
                                    tracing::error!(error = %e, "saving progress failed");
                                    e.to_string()
                                });
                            let _ = tx.send(Msg::Saved(result));
                        }));
                    }
                    Effect::Quit => return finish(pending, Exit::Quit).await,
                }
            }
        }
    }
}

/// Let every started save finish before the process ends.
async fn finish(pending: Vec<JoinHandle<()>>, exit: Exit) -> std::io::Result<Exit> {
    for h in pending {
        let _ = h.await;
    }
    Ok(exit)
}
