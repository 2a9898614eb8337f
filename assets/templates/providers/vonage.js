const PROVIDER = "Vonage";
/** It sends any text: account notices as well as one-time codes. */
const CODES_ONLY = false;
const BASE_URL = "{{BASE_URL}}";
// Per-message statuses that are worth a retry: throttled, internal error,
// too many binds, communication failed.
const TEMPORARY = new Set(["1", "5", "10", "13"]);

/** Send `text`; Vonage answers HTTP 200 and puts success or failure in each message's status. */
async function sendSms(secrets, recipient, text, _code) {
  const form = new URLSearchParams({
    api_key: secrets.VONAGE_API_KEY,
    api_secret: secrets.VONAGE_API_SECRET,
    from: String(secrets.VONAGE_FROM_NUMBER).replace(/^\+/, ""),
    to: recipient.replace(/^\+/, ""), // digits only
    text,
  });
  if (!/^[\x20-\x7e\n]*$/.test(text)) form.set("type", "unicode");
  const res = await call(`${BASE_URL}/sms/json`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const body = await readJson(res);
  const message = body && Array.isArray(body.messages) ? body.messages[0] : null;
  if (!res.ok || !message) {
    throw new ProviderError(null, body ? JSON.stringify(body) : res.statusText, res.status, temporaryStatus(res.status));
  }
  if (String(message.status) !== "0") {
    const status = String(message.status);
    throw new ProviderError(status, message["error-text"], res.status, TEMPORARY.has(status));
  }
  return message["message-id"];
}
