const PROVIDER = "Infobip";
/** It sends any text: account notices as well as one-time codes. */
const CODES_ONLY = false;
// Infobip's status group of rejected messages.
const REJECTED = 5;

/** Send `text` with SMS API v3; HTTP 200 can still carry a REJECTED status. */
async function sendSms(secrets, recipient, text, _code) {
  const base = String(secrets.INFOBIP_BASE_URL).replace(/\/+$/, "");
  const message = {
    destinations: [{ to: recipient.replace(/^\+/, "") }],
    content: { text },
  };
  if (secrets.INFOBIP_SENDER) message.sender = String(secrets.INFOBIP_SENDER).replace(/^\+/, "");
  const res = await call(`${base}/sms/3/messages`, {
    method: "POST",
    headers: {
      Authorization: `App ${secrets.INFOBIP_API_KEY}`,
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    body: JSON.stringify({ messages: [message] }),
  });
  const body = await readJson(res);
  if (!res.ok) {
    const text = body && (body.description || (body.requestError && JSON.stringify(body.requestError)));
    throw new ProviderError(body && body.errorCode, text || res.statusText, res.status, temporaryStatus(res.status));
  }
  const sent = body && Array.isArray(body.messages) ? body.messages[0] : null;
  if (!sent || !sent.status) {
    throw new ProviderError(null, "unexpected answer", res.status, true);
  }
  if (sent.status.groupId === REJECTED) {
    throw new ProviderError(sent.status.id, `${sent.status.name}: ${sent.status.description || ""}`, res.status, false);
  }
  return sent.messageId;
}
