const PROVIDER = "Twilio Verify";
/** Verify sends one-time codes only: a notification without a code (an
 * account notice) cannot be carried. */
const CODES_ONLY = true;
const BASE_URL = "{{BASE_URL}}";

/** Start a Verification with the code Auth0 generated; returns its SID. */
async function sendSms(secrets, recipient, _text, code) {
  const sid = secrets.TWILIO_ACCOUNT_SID;
  // The Verify service SID (VA...), never the Account SID (AC...).
  const service = secrets.TWILIO_VERIFY_SERVICE_SID;
  const form = new URLSearchParams({ To: recipient, Channel: "sms", CustomCode: code });
  const res = await call(`${BASE_URL}/v2/Services/${encodeURIComponent(service)}/Verifications`, {
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
    const temporary = temporaryStatus(res.status) || code === 20429 || code === 60410;
    throw new ProviderError(code, body && body.message, res.status, temporary);
  }
  return body.sid;
}
