//! The simulated SMS provider APIs (Twilio Programmable Messaging, Twilio
//! Verify, Vonage, Infobip, Esendex) on one loopback server.
//! (Skeleton: being written; see the helper.)

use serde::Deserialize;
use std::sync::{Arc, Mutex};
use wiremock::MockServer;

/// What the simulated provider accounts are like (a scenario's `[accounts]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Accounts {
    /// A trial account: only `verified` numbers are reached (Twilio type
    /// "Trial", error 21608; Vonage status 29; Infobip REJECTED 18).
    pub trial: bool,
    /// The numbers a trial account may reach (E.164).
    pub verified: Vec<String>,
    /// Recipients whose messages fail for lack of funds, with each
    /// provider's own insufficient-funds answer.
    pub insufficient_funds: Vec<String>,
    /// Twilio Verify: custom verification codes enabled on the service.
    pub custom_codes: bool,
    /// The balance Vonage and Infobip report.
    pub balance: f64,
}

impl Default for Accounts {
    fn default() -> Accounts {
        Accounts {
            trial: false,
            verified: Vec::new(),
            insufficient_funds: Vec::new(),
            custom_codes: true,
            balance: 25.0,
        }
    }
}

/// A message a simulated provider accepted: what the phone would show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The provider's catalog id.
    pub provider: &'static str,
    /// The provider's message id.
    pub id: String,
    /// The recipient, E.164 with the plus.
    pub to: String,
    pub from: String,
    pub text: String,
}

/// Told about every accepted message, as it is accepted.
pub type OnDelivery = Arc<dyn Fn(Delivered) + Send + Sync>;

/// The simulated accounts' state.
pub struct State {
    pub accounts: Accounts,
    pub inbox: Vec<Delivered>,
}

/// The running simulation.
pub struct Providers {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

impl Providers {
    /// Serve every provider's API on one loopback port.
    pub async fn serve(accounts: Accounts, on_delivery: Option<OnDelivery>) -> Providers {
        let _ = (accounts, on_delivery);
        unimplemented!("being written")
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The environment that points every provider's client here.
    pub fn env(&self) -> Vec<(String, String)> {
        unimplemented!("being written")
    }

    pub fn inbox(&self) -> Vec<Delivered> {
        self.state.lock().unwrap().inbox.clone()
    }
}

/// The sandbox account's settings for `provider`, as a user types them in
/// step 2: (setting name, value).
pub fn credentials(provider: &str) -> Vec<(&'static str, &'static str)> {
    let _ = provider;
    unimplemented!("being written")
}
