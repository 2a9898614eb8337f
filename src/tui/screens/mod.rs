//! One file per step. Each `draw` is a pure function of the wizard.

pub(crate) mod checklist;
pub(crate) mod code;
pub(crate) mod connect;
pub(crate) mod deliveries;
pub(crate) mod done;
pub(crate) mod picker;
pub(crate) mod provider;
pub(crate) mod secrets;
pub(crate) mod tenant;
pub(crate) mod test_message;

use crate::wizard::{Step, Wizard};

/// What a step is for, shown at the top of its help overlay.
pub(crate) fn help_text(w: &Wizard) -> String {
    if w.step == Step::Secrets {
        return format!(
            "Enter the provider's credentials. Each field is checked as you type; secret fields are masked (Ctrl-R shows the focused one while you type). On Enter at the last field (or Ctrl-N), secrets are stored in {} and the rest in the profile file. A stored secret is never shown again: leave the field empty to keep it, or type a new one. SMS_MFA_<NAME> in the environment wins over both. Once the credentials are in, a sender field that needs a value lists the account's numbers or services by itself: Enter takes one, typing or Esc enters a value by hand, Ctrl-F lists again. Ctrl-L asks the keyring again.",
            match &w.sandbox {
                Some(s) if s.memory_only.is_some() => {
                    "memory for this session (the sandbox found no keyring)".to_string()
                }
                _ => format!(
                    "the OS keyring (service {}, user {}/PROVIDER/NAME)",
                    w.keyring_service(),
                    w.profile_name
                ),
            }
        );
    }
    static_help(w.step).to_string()
}

fn static_help(step: Step) -> &'static str {
    match step {
        Step::Provider => {
            "Choose the service that will deliver the MFA codes. Your choice decides which credentials the next step asks for and which code is generated for the tenant."
        }
        Step::Secrets => {
            "Enter the provider's credentials. Each field is checked as you type; secret fields are masked (Ctrl-R shows the focused one while you type). On Next, secrets are stored in the OS keyring (service sms-mfa, user PROFILE/PROVIDER/NAME) and the rest in the profile file. A stored secret is never shown again: leave the field empty to keep it, or type a new one. SMS_MFA_<NAME> in the environment wins over both. Once the credentials are in, a sender field that needs a value lists the account's numbers or services by itself: Enter takes one, typing or Esc enters a value by hand, Ctrl-F lists again. Ctrl-L asks the keyring again."
        }
        Step::TestMessage => {
            "Send one message through the provider with the credentials you entered, before anything on the tenant changes. The recipient must be in E.164 form (+ country code and number)."
        }
        Step::Tenant => {
            "Connect to the tenant: quickest, paste one Management API token in the token form (the step's first screen when nothing is connected; Ctrl-P from the connection form) (Dashboard > Applications > APIs > Auth0 Management API > API Explorer); sms-mfa makes its own Machine to Machine application with exactly the scopes it needs and forgets the token. Or with an existing Management API client (AUTH0_DOMAIN and AUTH0_CLIENT_ID go to the profile, AUTH0_CLIENT_SECRET to the OS keyring; SMS_MFA_AUTH0_TOKEN works instead), then check that the SMS factor is enabled, set to Custom and actually used, with exactly one live sending code. r checks again, f plans the fix for the chosen provider (nothing changes yet), y applies the plan shown (the tenant's current code and settings are saved to the data directory first), Esc closes it, t asks Auth0 to send its own test through the Custom phone provider (Unified Phone Experience), e edits the connection. Ctrl-N skips the step while the connection is incomplete and nothing is typed."
        }
        Step::Checklist => {
            "The troubleshooting checklist of the provider guides, checked automatically where the wizard can. Open it from any step with c (Ctrl-T while typing) when codes do not arrive."
        }
        Step::Done => "What was set up, and what is left to do.",
    }
}
