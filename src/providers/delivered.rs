//! A message a provider accepted, as the recipient's phone would show it.
//! Plain data: the sandbox's simulated providers report them, and the
//! wizard shows them in its sandbox panel without depending on the sandbox
//! (which is a cargo feature).

/// A message a simulated provider accepted: what the phone would show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The provider's catalog id.
    pub provider: &'static str,
    /// The provider's message id.
    pub id: String,
    /// The recipient, E.164 with the plus.
    pub to: String,
    /// The sender as the phone shows it: a number with its plus, or an
    /// alphanumeric sender id.
    pub from: String,
    pub text: String,
}
