//! The sandbox: simulated provider APIs and a simulated Auth0 Management
//! API on loopback, following the vendors' official specifications, so the
//! whole wizard runs on a machine with no provider account and no tenant.
//! The tests use the same simulations wherever they need a stateful server.

pub mod auth0;
pub mod providers;
pub mod spec;
