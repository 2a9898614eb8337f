#!/usr/bin/env python3
"""Extract, from the vendors' official OpenAPI specifications, the request
rules of every call sms-mfa makes: method, path, content type, required and
allowed fields. The tests check every request the clients send against
assets/specs/requests.json; the simulated APIs of the sandbox (src/sandbox/)
check every request they get against it, and so do the tests, so the fakes
follow the specs, not our guesses.

Run from the repository root when the specs change:

    python3 assets/specs/extract.py ../shared/specs > assets/specs/requests.json

Needs PyYAML for the Vonage specs. The output records the SHA-256 of each
source file.
"""
import hashlib, json, sys, os
import yaml

root = sys.argv[1] if len(sys.argv) > 1 else "../shared/specs"

def load(name):
    path = os.path.join(root, name)
    data = open(path, "rb").read()
    doc = yaml.safe_load(data) if name.endswith(".yml") else json.loads(data)
    return doc, hashlib.sha256(data).hexdigest()

def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        parts = node["$ref"].lstrip("#/").split("/")
        node = doc
        for p in parts:
            node = node[p]
    return node

def properties(doc, schema):
    schema = resolve(doc, schema)
    props, required = {}, list(schema.get("required", []))
    for sub in schema.get("allOf", []):
        p, r = properties(doc, sub)
        props.update(p); required += r
    props.update(schema.get("properties", {}))
    return props, required

def operation(doc, path, method, content_type=None, query=False, schema=None):
    op = doc["paths"][path][method]
    out = {"method": method.upper(), "path": path}
    scopes = [s for sec in op.get("security", []) for s in sec.get("oAuth2ClientCredentials", [])]
    if scopes:
        out["scopes"] = scopes
    if query:
        params = [resolve(doc, p) for p in op.get("parameters", []) + doc["paths"][path].get("parameters", [])]
        out["query"] = {
            "allowed": sorted(p["name"] for p in params if p.get("in") == "query"),
            "required": sorted(p["name"] for p in params if p.get("in") == "query" and p.get("required")),
        }
    if content_type:
        schema = schema or op["requestBody"]["content"][content_type]["schema"]
        props, required = properties(doc, schema)
        out["content_type"] = content_type
        out["allowed"] = sorted(props)
        out["required"] = sorted(set(required))
        if content_type == "application/json":
            # One level down, for arrays of objects (messages, destinations).
            nested = {}
            def walk(prefix, props):
                for name, p in props.items():
                    p = resolve(doc, p)
                    items = resolve(doc, p.get("items", {})) if p.get("type") == "array" else None
                    target = items if items is not None else p
                    sub, req = properties(doc, target) if (target.get("properties") or target.get("allOf") or "$ref" in target) else ({}, [])
                    if sub:
                        key = prefix + name + ("[]" if items is not None else "")
                        nested[key] = {"allowed": sorted(sub), "required": sorted(set(req))}
                        walk(key + ".", sub)
            walk("", props)
            out["nested"] = nested
    return out

specs = {}
twilio, h1 = load("twilio_api_v2010.json")
verify, h2 = load("twilio_verify_v2.json")
vsms, h3 = load("vonage_sms.yml")
vacc, h4 = load("vonage_account.yml")
infobip, h5 = load("infobip_sms.json")
mgmt, h6 = load("auth0_management_api_v2.json")
authn, h7 = load("auth0_authentication_api.json")
form = "application/x-www-form-urlencoded"
out = {
    "sources": {
        "twilio_api_v2010.json": h1, "twilio_verify_v2.json": h2,
        "vonage_sms.yml": h3, "vonage_account.yml": h4, "infobip_sms.json": h5,
        "auth0_management_api_v2.json": h6, "auth0_authentication_api.json": h7,
    },
    "operations": {
        "twilio.send": operation(twilio, "/2010-04-01/Accounts/{AccountSid}/Messages.json", "post", form),
        "twilio.account": operation(twilio, "/2010-04-01/Accounts/{Sid}.json", "get"),
        "twilio.message": operation(twilio, "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", "get"),
        "twilio.incoming-numbers": operation(twilio, "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json", "get", query=True),
        "twilio.caller-ids": operation(twilio, "/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds.json", "get", query=True),
        "twilio.messages": operation(twilio, "/2010-04-01/Accounts/{AccountSid}/Messages.json", "get", query=True),
        "twilio-verify.send": operation(verify, "/v2/Services/{ServiceSid}/Verifications", "post", form),
        "twilio-verify.service": operation(verify, "/v2/Services/{Sid}", "get"),
        "twilio-verify.attempts": operation(verify, "/v2/Attempts", "get", query=True),
        "twilio-verify.services": operation(verify, "/v2/Services", "get", query=True),
        # The Vonage SMS server is https://rest.nexmo.com/sms: the wire path is /sms/json.
        "vonage.send": dict(operation(vsms, "/{format}", "post", form), path="/sms/json"),
        "vonage.balance": operation(vacc, "/account/get-balance", "get", query=True),
        "infobip.send": operation(infobip, "/sms/3/messages", "post", "application/json"),
        "infobip.logs": operation(infobip, "/sms/3/logs", "get", query=True),
        # The token request is one branch of a oneOf: the client-credentials grant.
        "auth0.token": operation(authn, "/oauth/token", "post", form,
                                 schema={"$ref": "#/components/schemas/ClientCredentialsGrant"}),
    },
}
# Twilio Messaging v1 (server https://messaging.twilio.com) is not among
# ../shared/specs: these two rules are copied by hand from twilio-oai's
# spec/json/twilio_messaging_v1.json (commit d50069b), paths /v1/Services
# and /v1/Services/{ServiceSid}/PhoneNumbers, GET, query PageSize, Page,
# PageToken; the answers hold `services` and `phone_numbers` with `meta`.
for name, path in [("services", "/v1/Services"), ("phone-numbers", "/v1/Services/{ServiceSid}/PhoneNumbers")]:
    out["operations"]["twilio-messaging." + name] = {
        "method": "GET", "path": path,
        "query": {"allowed": ["Page", "PageSize", "PageToken"], "required": []},
    }
# The Management API's server is https://{tenantDomain}/api/v2: the wire
# paths carry the /api/v2 prefix.
json_ = "application/json"
for name, path, method, ct, query in [
    ("tenant-settings", "/tenants/settings", "get", None, True),
    ("factors", "/guardian/factors", "get", None, False),
    ("factor.put", "/guardian/factors/{name}", "put", json_, False),
    ("selected-provider", "/guardian/factors/phone/selected-provider", "get", None, False),
    ("selected-provider.put", "/guardian/factors/phone/selected-provider", "put", json_, False),
    ("message-types", "/guardian/factors/phone/message-types", "get", None, False),
    ("message-types.put", "/guardian/factors/phone/message-types", "put", json_, False),
    ("policies", "/guardian/policies", "get", None, False),
    ("hooks", "/hooks", "get", None, True),
    ("hook.patch", "/hooks/{id}", "patch", json_, False),
    ("hook-secrets", "/hooks/{id}/secrets", "get", None, False),
    ("actions", "/actions/actions", "get", None, True),
    ("actions.post", "/actions/actions", "post", json_, False),
    ("action", "/actions/actions/{id}", "get", None, False),
    ("action.patch", "/actions/actions/{id}", "patch", json_, False),
    ("action.deploy", "/actions/actions/{id}/deploy", "post", None, False),
    ("action-version", "/actions/actions/{actionId}/versions/{id}", "get", None, False),
    ("triggers", "/actions/triggers", "get", None, False),
    ("bindings", "/actions/triggers/{triggerId}/bindings", "get", None, True),
    ("bindings.patch", "/actions/triggers/{triggerId}/bindings", "patch", json_, False),
    ("phone-providers", "/branding/phone/providers", "get", None, True),
    ("phone-providers.post", "/branding/phone/providers", "post", json_, False),
    ("phone-provider.patch", "/branding/phone/providers/{id}", "patch", json_, False),
    ("phone-provider.try", "/branding/phone/providers/{id}/try", "post", json_, False),
    ("phone-templates", "/branding/phone/templates", "get", None, True),
    ("logs", "/logs", "get", None, True),
    # `tenant connect` / `tenant disconnect`: sms-mfa's own Machine to
    # Machine application and its grant on the Management API.
    ("clients", "/clients", "get", None, True),
    ("clients.post", "/clients", "post", json_, False),
    ("client", "/clients/{id}", "get", None, True),
    ("client.delete", "/clients/{id}", "delete", None, False),
    ("client.rotate-secret", "/clients/{id}/rotate-secret", "post", None, False),
    ("client-grants", "/client-grants", "get", None, True),
    ("client-grants.post", "/client-grants", "post", json_, False),
    ("client-grant.patch", "/client-grants/{id}", "patch", json_, False),
    ("client-grant.delete", "/client-grants/{id}", "delete", None, False),
]:
    op = operation(mgmt, path, method, ct, query)
    op["path"] = "/api/v2" + path
    if name == "logs":
        # The parameter list names only `search`, but the operation's own
        # description says "Set custom search criteria using the `q`
        # parameter" (Query String Syntax), as the docs "Retrieve Log Events
        # Using Management API" and go-auth0's management.Query do.
        op["query"]["allowed"] = sorted(op["query"]["allowed"] + ["q"])
    out["operations"]["auth0." + name] = op
# Every scope the Management API defines (on any operation): what a client
# grant may hold; the simulated tenant refuses any other.
out["auth0_scopes"] = sorted({
    s
    for item in mgmt["paths"].values()
    for m, op in item.items() if isinstance(op, dict)
    for sec in op.get("security", [])
    for s in sec.get("oAuth2ClientCredentials", [])
})
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
