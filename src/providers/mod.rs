//! SMS providers: the catalog (data, from `assets/providers.toml`), the
//! validation of their settings, the provider [`Kind`] that code chooses
//! by, and (in `clients`, a layer above) one API client per kind.

pub(crate) mod catalog;
pub mod clients;
pub(crate) mod delivered;
pub mod delivery;
pub(crate) mod kind;
pub mod outcome;
pub mod phone;
pub mod validate;

pub use catalog::{Catalog, Format, Provider, Required, Setting};
pub use kind::Kind;
pub use validate::{Validation, validate};
