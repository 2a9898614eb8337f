
/**
 * Action, trigger custom-phone-provider (Unified Phone Experience: the
 * tenant's "Custom" phone provider). Every notification Auth0 sends through
 * it (one-time codes and account notices) goes out as its text, as_text;
 * a provider that sends only one-time codes drops the notices with the
 * reason. A temporary provider failure asks Auth0
 * to retry; a voice request this provider cannot deliver is dropped with the
 * reason; any other failure throws, so the tenant's logs show the provider's
 * code and text. Nothing is logged on success.
 */
exports.onExecuteCustomPhoneProvider = async (event, api) => {
  const n = event.notification;
  if (n.delivery_method === "voice") {
    api.notification.drop(`sms-mfa ${PROVIDER}: this provider sends SMS only; a voice message was requested.`);
    return;
  }
  // Account notices (blocked_account, change_password, password_breach)
  // carry no code: a provider that sends only codes cannot deliver them.
  if (CODES_ONLY && !n.code) {
    api.notification.drop(
      `sms-mfa ${PROVIDER}: sends one-time codes only; the ${n.message_type || "account"} notice has no code and was not sent.`
    );
    return;
  }
  try {
    await sendSms(event.secrets, n.recipient, n.as_text, n.code);
  } catch (err) {
    if (err && err.temporary) {
      api.notification.retry(err.message);
      return;
    }
    throw err;
  }
};
