//! The "Recent deliveries" view, opened from the checklist with `d`: the
//! trace of step 3's recipient (both sides, `crate::trace`), refreshed
//! with `r`, closed with Esc. Pure: the trace is [`Effect::Trace`],
//! answered by [`Msg::TraceDone`].

use super::{Effect, Msg, Overlay, TenantCall, Wizard};
use crate::trace::Trace;

/// The view's state.
#[derive(Debug, Default)]
pub(crate) struct DeliveriesState {
    /// The op of the trace in flight.
    pub(crate) running: Option<u64>,
    /// The last trace, or why there is none.
    pub(crate) result: Option<Result<Trace, String>>,
    pub(crate) scroll: u16,
}

impl Wizard {
    pub(super) fn open_deliveries(&mut self) -> Vec<Effect> {
        self.overlay = Some(Overlay::Deliveries);
        self.deliveries.scroll = 0;
        self.refresh_deliveries()
    }

    fn refresh_deliveries(&mut self) -> Vec<Effect> {
        let op = self.next_op();
        self.deliveries.running = Some(op);
        vec![Effect::Trace {
            op,
            call: TenantCall {
                profile_name: self.profile_name.clone(),
                profile: self.profile.clone(),
                provider: self.profile.provider.clone(),
            },
            to: self.profile.test_recipient.clone(),
        }]
    }

    pub(super) fn trace_done(&mut self, op: u64, result: Result<Trace, String>) {
        if self.deliveries.running == Some(op) {
            self.deliveries.running = None;
            self.deliveries.result = Some(result);
        }
    }

    /// A message while the view is open.
    pub(super) fn deliveries_msg(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Back | Msg::OpenDeliveries => {
                self.overlay = None;
                match self.deliveries.running.take() {
                    Some(op) => vec![Effect::Cancel { op }],
                    None => vec![],
                }
            }
            Msg::Reload if self.deliveries.running.is_none() => self.refresh_deliveries(),
            Msg::Up => {
                self.deliveries.scroll = self.deliveries.scroll.saturating_sub(1);
                vec![]
            }
            Msg::Down => {
                self.deliveries.scroll = self.deliveries.scroll.saturating_add(1);
                vec![]
            }
            Msg::Quit => {
                self.overlay = None;
                self.update(Msg::Quit)
            }
            _ => vec![],
        }
    }
}
