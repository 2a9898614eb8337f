#!/usr/bin/env python3
"""Start-up time to the first frame, and peak memory, of the real binary in a
pseudo-terminal. Budgets: first frame within 10 ms of exec; peak RSS under
30 MiB for a wizard session. Usage: benches/startup.py [BINARY] [RUNS]
(default target/release/sms-mfa, 20 runs). Prints medians."""
import fcntl, os, pty, select, statistics, struct, sys, tempfile, termios, time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/sms-mfa"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
first_frame, hwm = [], []
for _ in range(runs):
    home = tempfile.mkdtemp()
    env = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "HOME": home,
           "XDG_CONFIG_HOME": home + "/config", "XDG_DATA_HOME": home + "/data"}
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execve(binary, [binary], env)
    seen, t = b"", None
    while t is None:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            sys.exit("no first frame within 5 s")
        seen += os.read(fd, 65536)
        if b"Twilio Programmable SMS" in seen and b"Esendex" in seen:
            t = time.perf_counter() - start
    first_frame.append(t * 1000)
    # Walk a little so the session does real work, then read its peak RSS.
    for keys in [b"\r", b"AC0123456789abcdef0123456789abcdef", b"\x1b", b"j", b"\x14"]:
        os.write(fd, keys)
        time.sleep(0.02)
        while select.select([fd], [], [], 0.05)[0]:
            os.read(fd, 65536)
    with open(f"/proc/{pid}/status") as f:
        kb = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
    hwm.append(kb / 1024)
    os.write(fd, b"\x1b\x03")  # close the checklist detour, quit
    time.sleep(0.05)
    os.write(fd, b"y")
    while True:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
print(f"runs: {runs}")
print(f"first frame (ms, exec to screen): median {statistics.median(first_frame):.1f}, min {min(first_frame):.1f}, max {max(first_frame):.1f}")
print(f"peak RSS of a short wizard session (MiB, VmHWM): median {statistics.median(hwm):.1f}, max {max(hwm):.1f}")
