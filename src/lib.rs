//! sms-mfa: a terminal wizard that gets a custom SMS provider delivering
//! Auth0 MFA codes, and keeps it working.
//!
//! The shape: [`wizard`] is the pure step state machine; [`tui`] draws it
//! and runs its effects; [`providers`] and [`checklist`] are data;
//! [`config`] keeps progress on disk.

pub mod app;
pub mod auth0;
pub mod checklist;
pub mod cli;
pub mod codegen;
pub mod commands;
pub mod config;
pub mod doctor;
pub mod http;
#[cfg(test)]
mod layers;
pub mod logging;
pub(crate) mod ops;
pub mod providers;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod sanitize;
pub mod secrets;
pub mod settings;
pub(crate) mod signals;
pub mod trace;
pub mod tui;
pub mod wizard;
