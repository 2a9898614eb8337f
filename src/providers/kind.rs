//! The providers sms-mfa has code for, as a type the compiler knows.
//!
//! The catalog (`assets/providers.toml`) is data: names, settings, error
//! codes. What each provider *does* (its client, its senders listing, its
//! Action template, its simulator in the sandbox) is code, and that code
//! chooses by [`Kind`] with an exhaustive `match`, never by an id string:
//! adding a variant here makes the compiler list every place to touch. The
//! catalog loader gives each `[[provider]]` its kind and refuses an id with
//! none; `Catalog::complete` refuses a kind with no catalog entry.

use std::fmt;
use std::str::FromStr;

/// Declares [`Kind`], its catalog ids and [`Kind::ALL`] from one list, so
/// that `ALL` cannot miss a variant.
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)*) => {
        /// A provider sms-mfa has code for; its catalog id is [`Kind::id`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $($(#[$doc])* $variant,)*
        }

        impl Kind {
            /// Every kind, in the catalog's order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The provider's id in the catalog (and on the command line,
            /// in profiles, in the Action's name).
            pub fn id(self) -> &'static str {
                match self {
                    $(Kind::$variant => $id,)*
                }
            }
        }
    };
}

kinds! {
    /// Twilio Programmable SMS.
    Twilio = "twilio",
    /// Twilio Verify (a Verify service with custom codes).
    TwilioVerify = "twilio-verify",
    /// Vonage SMS API (Nexmo).
    Vonage = "vonage",
    /// Infobip SMS API.
    Infobip = "infobip",
    /// Esendex REST API.
    Esendex = "esendex",
}

impl Kind {
    /// The kind whose catalog id is `id`.
    pub(crate) fn parse(id: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.id() == id)
    }
}

/// An id that names no [`Kind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no provider kind has the id {0:?}")]
pub struct UnknownKind(pub(crate) String);

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(id: &str) -> Result<Kind, UnknownKind> {
        Kind::parse(id).ok_or_else(|| UnknownKind(id.to_string()))
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_id() {
        for &k in Kind::ALL {
            assert_eq!(Kind::parse(k.id()), Some(k));
            assert_eq!(k.id().parse::<Kind>(), Ok(k));
            assert_eq!(k.to_string(), k.id());
        }
        let mut ids: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Kind::ALL.len(), "ids are distinct");
    }

    #[test]
    fn an_unknown_id_is_no_kind() {
        for id in [
            "",
            "telesign",
            "Twilio",
            "twilio ",
            "twilio_verify",
            "auth0",
        ] {
            assert_eq!(Kind::parse(id), None, "{id:?}");
            assert_eq!(id.parse::<Kind>(), Err(UnknownKind(id.to_string())));
        }
    }

    #[test]
    fn the_builtin_catalog_and_kind_all_agree() {
        let catalog = super::super::Catalog::builtin();
        let kinds: Vec<Option<Kind>> = catalog.providers.iter().map(|p| p.kind).collect();
        let all: Vec<Option<Kind>> = Kind::ALL.iter().copied().map(Some).collect();
        assert_eq!(kinds, all, "one entry per kind, in the same order");
        for &k in Kind::ALL {
            assert_eq!(catalog.get(k.id()).and_then(|p| p.kind), Some(k));
        }
        let tenant = catalog.tenant.as_ref().expect("the tenant group");
        assert_eq!(tenant.kind, None, "the tenant's settings are no provider");
    }
}
