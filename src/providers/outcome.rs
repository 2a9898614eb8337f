//! What a provider answered, classified so a person can act on it. Pure.

use serde::Serialize;

/// The kinds of failure a user can do something about, each with a hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    Authentication,
    InvalidRecipient,
    TrialUnverified,
    InsufficientFunds,
    SenderNotAllowed,
    /// Temporary: try again later.
    RateLimited,
    /// Temporary: the provider failed, not the request.
    ProviderError,
    /// Timeout, DNS, TLS, connection refused.
    Network,
    /// The provider refused the request for another reason.
    Rejected,
    /// What the request names does not exist (a Verify service SID, say).
    NotFound,
}

impl ErrorClass {
    pub(crate) const ALL: [ErrorClass; 10] = [
        ErrorClass::Authentication,
        ErrorClass::InvalidRecipient,
        ErrorClass::TrialUnverified,
        ErrorClass::InsufficientFunds,
        ErrorClass::SenderNotAllowed,
        ErrorClass::RateLimited,
        ErrorClass::ProviderError,
        ErrorClass::Network,
        ErrorClass::Rejected,
        ErrorClass::NotFound,
    ];

    /// The name used in the catalog and in `--json`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Authentication => "authentication",
            ErrorClass::InvalidRecipient => "invalid-recipient",
            ErrorClass::TrialUnverified => "trial-unverified",
            ErrorClass::InsufficientFunds => "insufficient-funds",
            ErrorClass::SenderNotAllowed => "sender-not-allowed",
            ErrorClass::RateLimited => "rate-limited",
            ErrorClass::ProviderError => "provider-error",
            ErrorClass::Network => "network",
            ErrorClass::Rejected => "rejected",
            ErrorClass::NotFound => "not-found",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<ErrorClass> {
        ErrorClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// A short title for the result screen.
    pub(crate) fn title(self) -> &'static str {
        match self {
            ErrorClass::Authentication => "Authentication failed",
            ErrorClass::InvalidRecipient => "Invalid recipient",
            ErrorClass::TrialUnverified => "Trial account: unverified destination",
            ErrorClass::InsufficientFunds => "Insufficient funds",
            ErrorClass::SenderNotAllowed => "Sender not allowed",
            ErrorClass::RateLimited => "Rate limited (temporary)",
            ErrorClass::ProviderError => "Provider error (temporary)",
            ErrorClass::Network => "Network problem",
            ErrorClass::Rejected => "Rejected by the provider",
            ErrorClass::NotFound => "Service not found",
        }
    }

    /// What to do, in one line.
    pub(crate) fn hint(self) -> &'static str {
        match self {
            ErrorClass::Authentication => {
                "Check the credentials in step 2 against the provider's console (live, not test, credentials)."
            }
            ErrorClass::InvalidRecipient => {
                "Check the recipient: E.164 with the country code, a mobile number that can receive SMS."
            }
            ErrorClass::TrialUnverified => {
                "Verify the recipient in the provider's console, or upgrade the account."
            }
            ErrorClass::InsufficientFunds => "Top up the provider account, then try again.",
            ErrorClass::SenderNotAllowed => {
                "Use a sender (number or name) the provider allows for this destination."
            }
            ErrorClass::RateLimited => "Temporary: wait a minute, then try again.",
            ErrorClass::ProviderError => {
                "Temporary: try again shortly; check the provider's status page if it persists."
            }
            ErrorClass::Network => {
                "Check the network, proxy and firewall, and the API base URL; then try again."
            }
            ErrorClass::Rejected => "Read the provider's message and fix the request.",
            ErrorClass::NotFound => {
                "Check the service (or other) SID in step 2 against the provider's console: it does not exist for this account."
            }
        }
    }

    /// Whether trying again later may help without changing anything.
    pub fn temporary(self) -> bool {
        matches!(
            self,
            ErrorClass::RateLimited | ErrorClass::ProviderError | ErrorClass::Network
        )
    }
}

/// One known error code of a provider (from the catalog).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownError {
    /// The provider's code, or `http NNN` for an HTTP status.
    pub code: String,
    pub class: ErrorClass,
    /// What it means for the user.
    pub meaning: String,
    /// What to do about it, when more precise than the class's hint.
    pub(crate) fix: Option<String>,
}

impl KnownError {
    /// What to do: the code's own fix, else its class's hint.
    pub(crate) fn fix(&self) -> &str {
        self.fix.as_deref().unwrap_or(self.class.hint())
    }
}

/// A failed call, classified. The provider's own code and message are
/// always kept, to show beside the class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub class: ErrorClass,
    /// The provider's code (`21211`, `4`, `http 401`), if any.
    pub code: Option<String>,
    /// The provider's message, or what went wrong on the way.
    pub message: String,
    /// What the code means, from the catalog, when known.
    pub meaning: Option<String>,
    pub http_status: Option<u16>,
}

impl Failure {
    pub fn network(message: impl Into<String>) -> Failure {
        Failure {
            class: ErrorClass::Network,
            code: None,
            message: message.into(),
            meaning: None,
            http_status: None,
        }
    }

    /// The hint: the code's own meaning when known, else the class's.
    pub fn hint(&self) -> &str {
        self.meaning.as_deref().unwrap_or(self.class.hint())
    }
}

/// The provider took the message (delivery can still fail later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    /// The provider's id of the message, to find it in its logs.
    pub id: String,
    /// The provider's first status, if it says one (`queued`, `pending`).
    pub status: Option<String>,
    /// Whether the provider can report delivery later (Twilio).
    pub trackable: bool,
    /// The code sent, when the wizard made one up (Twilio Verify's CustomCode).
    pub code_sent: Option<String>,
}

/// A delivery status report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub status: String,
    /// No later status will come (delivered, undelivered, failed).
    #[serde(rename = "final")]
    pub final_: bool,
    pub delivered: bool,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// What a credential check found, without sending anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialReport {
    /// One line: what was found ("Full account 'Acme', active").
    pub summary: String,
    /// Things that will stop codes arriving although the credentials work
    /// (a Trial account, custom codes disabled, an unknown account reference).
    pub warnings: Vec<String>,
    /// Whether sending can work at all with these settings.
    pub usable: bool,
    /// Whether the account is a trial (reaches verified numbers only),
    /// where the API says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial: Option<bool>,
    /// Whether a Verify service takes the caller's own code (Twilio Verify).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_codes: Option<bool>,
}

/// What a provider's API tells about something, or why it cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Told<T> {
    Known(T),
    /// The API has no way to tell; the reason, for the user.
    Untold(String),
}

/// Whether the configured sender belongs to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ownership {
    pub sender: String,
    pub owned: bool,
    /// Whether the number can send SMS, where the API says.
    pub sms_capable: Option<bool>,
}

/// Classify a failure from a provider's code and the HTTP status, with the
/// provider's known errors.
pub(crate) fn classify(
    known: &[KnownError],
    code: Option<&str>,
    http_status: Option<u16>,
    message: String,
) -> Failure {
    let by_code = code.and_then(|c| known.iter().find(|k| k.code == c));
    let by_status = http_status.and_then(|s| {
        let key = format!("http {s}");
        known.iter().find(|k| k.code == key)
    });
    let found = by_code.or(by_status);
    // An empty message would leave the user with nothing to read (found by
    // fuzzing: Twilio-shaped `{"message": ""}`).
    let message = if message.trim().is_empty() {
        match http_status {
            Some(s) => format!("the provider gave no message (HTTP {s})"),
            None => "the provider gave no message".to_string(),
        }
    } else {
        message
    };
    let class = match (found, http_status) {
        (Some(k), _) => k.class,
        (None, Some(401 | 403)) => ErrorClass::Authentication,
        (None, Some(429)) => ErrorClass::RateLimited,
        (None, Some(s)) if s >= 500 => ErrorClass::ProviderError,
        _ => ErrorClass::Rejected,
    };
    Failure {
        class,
        code: code
            .map(str::to_string)
            .or_else(|| http_status.map(|s| format!("http {s}"))),
        message,
        meaning: found.map(|k| k.meaning.clone()),
        http_status,
    }
}
