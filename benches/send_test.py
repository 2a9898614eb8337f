#!/usr/bin/env python3
"""A whole `sms-mfa send-test` process against a loopback fake of Twilio,
side by side with curl making the same request (same form fields, same
Basic auth). Budget: within 2x of curl. Usage:
benches/send_test.py [BINARY] [RUNS] (default target/release/sms-mfa, 30).
Prints the median wall time of each and the ratio. Settings come from the
environment (SMS_MFA_*), so no keyring is involved."""
import http.server, os, statistics, subprocess, sys, tempfile, threading, time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/sms-mfa"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
TO = os.environ.get("BENCH_TO", "+14155550100")
SID, TOKEN = "AC0123456789abcdef0123456789abcdef", "fedcba98765432100123456789abcdef"
BODY = b'{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","error_code":null}'

class Fake(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *a):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fake)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}"
home = tempfile.mkdtemp()
env = {"PATH": os.environ.get("PATH", ""), "HOME": home,
       "XDG_CONFIG_HOME": home + "/config", "XDG_DATA_HOME": home + "/data",
       "DBUS_SESSION_BUS_ADDRESS": "unix:path=" + home + "/no-bus",
       "SMS_MFA_TWILIO_ACCOUNT_SID": SID, "SMS_MFA_TWILIO_AUTH_TOKEN": TOKEN,
       "SMS_MFA_TWILIO_PHONE_NUMBER": "+15005550006", "SMS_MFA_TWILIO_BASE_URL": base}
ours = [binary, "send-test", "--provider", "twilio", "--to", TO, "--json"]
curl = ["curl", "-sS", "-o", "/dev/null", "-u", f"{SID}:{TOKEN}",
        "--data-urlencode", f"To={TO}",
        "--data-urlencode", "Body=Your verification code is 123456",
        "--data-urlencode", "From=+15005550006",
        f"{base}/2010-04-01/Accounts/{SID}/Messages.json"]

def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000

for cmd in (ours, curl):  # warm the page cache
    timed(cmd)
a = [timed(ours) for _ in range(runs)]
b = [timed(curl) for _ in range(runs)]
ma, mb = statistics.median(a), statistics.median(b)
print(f"sms-mfa send-test: {ma:.1f} ms median of {runs} ({min(a):.1f} to {max(a):.1f})")
print(f"curl, same request: {mb:.1f} ms median of {runs} ({min(b):.1f} to {max(b):.1f})")
print(f"ratio: {ma / mb:.2f}x (budget 2x)")
