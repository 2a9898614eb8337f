const PROVIDER = "Twilio";
/** It sends any text: account notices as well as one-time codes. */
const CODES_ONLY = false;
const BASE_URL = "{{BASE_URL}}";

/** Send `text` to `recipient` (E.164, with +); returns the message SID. */
async function sendSms(secrets, recipient, text, _code) {
  const sid = secrets.TWILIO_ACCOUNT_SID;
  const form = new URLSearchParams({ To: recipient, Body: text });
  if (secrets.TWILIO_MESSAGING_SERVICE_SID) {
    form.set("MessagingServiceSid", secrets.TWILIO_MESSAGING_SERVICE_SID);
  } else {
    form.set("From", secrets.TWILIO_PHONE_NUMBER);
  }
  const res = await call(`${BASE_URL}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`, {
    method: "POST",
    headers: {
      Authorization: basicAuth(sid, secrets.TWILIO_AUTH_TOKEN),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: form.toString(),
  });
  const body = await readJson(res);
  if (!res.ok || !body || !body.sid) {
    const code = body && body.code;
    throw new ProviderError(code, body && body.message, res.status, temporaryStatus(res.status) || code === 20429);
  }
  return body.sid;
}
