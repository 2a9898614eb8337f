
/**
 * Action, trigger custom-phone-provider (Unified Phone Experience: the
 * tenant's "Custom" phone provider). A temporary provider failure asks Auth0
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
