//! SMS providers: the catalog (data, from `assets/providers.toml`) and the
//! validation of their settings. Provider API clients arrive with the
//! test-message capability.

pub mod catalog;
pub mod clients;
pub mod delivered;
pub mod delivery;
pub mod outcome;
pub mod phone;
pub mod validate;

pub use catalog::{Catalog, Format, Provider, Required, Setting};
pub use validate::{Validation, validate};
