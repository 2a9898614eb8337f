const PROVIDER = "Esendex";
/** It sends any text: account notices as well as one-time codes. */
const CODES_ONLY = false;
const BASE_URL = "{{BASE_URL}}";

/** Send `text` through the message dispatcher (JSON, Basic auth, account reference). */
async function sendSms(secrets, recipient, text, _code) {
  const res = await call(`${BASE_URL}/v1.0/messagedispatcher`, {
    method: "POST",
    headers: {
      Authorization: basicAuth(secrets.ESENDEX_USERNAME, secrets.ESENDEX_PASSWORD),
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    body: JSON.stringify({
      accountreference: secrets.ESENDEX_ACCOUNT,
      messages: [{ to: recipient.replace(/^\+/, ""), body: text }],
    }),
  });
  const raw = await res.text();
  if (!res.ok) {
    throw new ProviderError(null, raw.slice(0, 200), res.status, temporaryStatus(res.status));
  }
  let id = null;
  try {
    const json = JSON.parse(raw);
    const headers = (json.batch && json.batch.messageheaders) || json.messageheaders || [];
    id = headers[0] && headers[0].id;
  } catch (_) {
    const m = /<messageheader [^>]*\bid="([^"]+)"/.exec(raw);
    id = m && m[1];
  }
  if (!id) throw new ProviderError(null, "no message id in the answer", res.status, true);
  return id;
}
