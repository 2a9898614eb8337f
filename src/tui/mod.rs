//! The terminal runtime: draws the wizard, turns terminal events into
//! messages, and carries out the wizard's effects without blocking the
//! event loop.

pub mod chooser;
pub mod effects;
pub(crate) mod fields;
pub mod keys;
pub(crate) mod screens;
pub mod view;
pub mod widgets;
pub(crate) mod wrap;

#[cfg(test)]
mod wizard_tests;

use crate::wizard::{Effect, Msg, Wizard};
use crossterm::event::{Event, EventStream, KeyEventKind};
pub use effects::Services;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How the wizard ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The user quit.
    Quit,
    /// A signal (SIGTERM, SIGHUP, SIGINT) ended the session; the terminal
    /// was restored and progress saved. Carries the signal number.
    Signal(i32),
}

/// Run the wizard in the terminal until the user quits.
pub(crate) async fn run(wizard: Wizard, services: Services) -> std::io::Result<Exit> {
    run_with(wizard, services, None).await
}

/// The same, with messages from outside the wizard's own work (the
/// sandbox's inbox).
pub(crate) async fn run_with(
    mut wizard: Wizard,
    services: Services,
    outside: Option<mpsc::UnboundedReceiver<Msg>>,
) -> std::io::Result<Exit> {
    wizard.env_overrides = effects::base_overrides(&services);
    wizard.token_in_env = (services.env)("SMS_MFA_AUTH0_TOKEN").is_some_and(|t| !t.is_empty());
    let mut terminal = ratatui::try_init()?;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    let result = event_loop(&mut terminal, &mut wizard, &services, outside).await;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    wizard: &mut Wizard,
    services: &Services,
    outside: Option<mpsc::UnboundedReceiver<Msg>>,
) -> std::io::Result<Exit> {
    let mut events = EventStream::new();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    if let Some(mut outside) = outside {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(msg) = outside.recv().await {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
    }
    // Work can report before its answer (a rate-limit wait) through `tx`.
    let services = &Services {
        notify: Some(tx.clone()),
        ..services.clone()
    };
    // SIGTERM, SIGHUP and SIGINT on unix; Ctrl-C (and Ctrl-Break) elsewhere.
    let mut signals = crate::signals::Signals::new()?;
    // The spinner's clock; it only runs while something is in progress.
    let mut ticker = tokio::time::interval(SPINNER_PERIOD);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Saves must finish before the process ends; keyring calls need not.
    let mut saves: Vec<JoinHandle<()>> = Vec::new();
    // Work that Esc can stop, by the op that awaits it.
    let mut running: std::collections::HashMap<u64, tokio::task::AbortHandle> =
        std::collections::HashMap::new();
    let mut queue: Vec<Msg> = Vec::new();
    let mut first = wizard.start();
    loop {
        let mut effects = std::mem::take(&mut first);
        for msg in queue.drain(..) {
            effects.extend(wizard.update(msg));
        }
        for effect in effects {
            if effect == Effect::Quit {
                return finish(saves, Exit::Quit).await;
            }
            if let Effect::Cancel { op } = effect {
                if let Some(h) = running.remove(&op) {
                    h.abort();
                }
                continue;
            }
            let op = effect.op();
            let save = matches!(effect, Effect::SaveProfile { .. });
            let tx = tx.clone();
            let services = services.clone();
            let handle = tokio::spawn(async move {
                if let Some(msg) = effects::perform(effect, &services).await {
                    let _ = tx.send(msg);
                }
            });
            running.retain(|_, h| !h.is_finished());
            if let Some(op) = op {
                running.insert(op, handle.abort_handle());
            }
            if save {
                saves.retain(|h| !h.is_finished());
                saves.push(handle);
            }
        }
        terminal.draw(|f| view::draw(f, wizard))?;
        let busy = wizard.animating();
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    queue.extend(keys::map(wizard, k));
                }
                Some(Ok(Event::Paste(text))) => queue.extend(keys::paste(wizard, &text)),
                Some(Ok(_)) => {} // resize and others: just redraw
                Some(Err(e)) => return Err(e),
                None => return Ok(Exit::Quit),
            },
            Some(msg) = rx.recv() => queue.push(msg),
            _ = ticker.tick(), if busy => queue.push(Msg::Tick),
            n = signals.next() => return finish(saves, Exit::Signal(n)).await,
        }
    }
}

/// How often the spinner moves.
const SPINNER_PERIOD: std::time::Duration = std::time::Duration::from_millis(100);

/// Let every started save finish before the process ends.
async fn finish(pending: Vec<JoinHandle<()>>, exit: Exit) -> std::io::Result<Exit> {
    for h in pending {
        let _ = h.await;
    }
    Ok(exit)
}
