
/**
 * Action, trigger send-phone-message (tenants with classic phone settings).
 * Auth0 generated the code and the text; this sends them. A failure throws,
 * so the tenant's logs show the provider's code and text. Nothing is logged
 * on success (no message body, no code).
 */
exports.onExecuteSendPhoneMessage = async (event, api) => {
  const { recipient, text, code, message_type } = event.message_options;
  if (message_type === "voice") {
    throw new Error(`sms-mfa ${PROVIDER}: this provider sends SMS only, and a voice call was requested. Offer SMS only in Security > Multi-factor Auth > Phone Message.`);
  }
  await sendSms(event.secrets, recipient, text, code);
};
