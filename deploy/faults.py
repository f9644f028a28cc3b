"""`make faults`: break one part of the production stack at a time and write down what visitors got.

The stack is the one `make prod-local` runs (nginx with deploy/nginx/portal.conf, gunicorn with
deploy/gunicorn.conf.py, a task worker, production settings), but on servers of its own, thrown away
at the end: a PostgreSQL cluster (initdb), a Redis (`--save ""`) and an SMTP sink, all on loopback,
so the shared servers are never touched. While visitors keep fetching the home, news and sign-in
pages through nginx, and a newcomer signs up now and then, it

1. kills Redis, then starts it again;
2. freezes PostgreSQL (SIGSTOP on every process of the cluster for FAULTS_FREEZE seconds, then SIGCONT);
3. refuses SMTP (the sink stops listening), signs up and asks for a password reset, then brings the
   sink back and waits for the worker to deliver what was queued;
4. opens 50 slow connections that dribble their headers, through nginx, and for comparison straight
   to gunicorn.

For each it counts the answers per page over the window and their longest wait, and compares what
should have been kept (accounts the visitors were told were made, the mails they should get) with
what the database and the SMTP sink hold afterwards. The table goes to deploy/faults-results.md and
the terminal. It measures the code as it is: run it again after a change.

Knobs: FAULTS_WINDOW (seconds each fault lasts, 10), FAULTS_FREEZE (10), FAULTS_SLOW (50),
FAULTS_MAIL_WAIT (seconds to wait for queued mail once SMTP is back, 90: the queue retries after a minute).
Only the standard library and psycopg (from the venv).
"""

import collections
import contextlib
import http.client
import http.cookies
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy import localstack as stack  # noqa: E402
from deploy.localstack import HOST, ROOT  # noqa: E402

RESULTS = ROOT / "deploy" / "faults-results.md"
PAGES = [("home", "/"), ("news", "/news/"), ("sign-in", "/accounts/login/")]
WINDOW = int(os.environ.get("FAULTS_WINDOW", 10))
FREEZE = int(os.environ.get("FAULTS_FREEZE", 10))
SLOW = int(os.environ.get("FAULTS_SLOW", 50))
MAIL_WAIT = int(os.environ.get("FAULTS_MAIL_WAIT", 90))
PASSWORD = "faults-pass-phrase-2026"
DEMO_OWNER = "owner1@demo.alliance.example"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TLS = ssl._create_unverified_context()  # the stack's certificate is self-signed


def log(message):
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Supervised:
    """A process started again when it exits, as systemd's Restart=always (RestartSec=5) does for the task
    worker in production (deploy/systemd/portal-worker.service): a worker whose database stops answering
    gives up with an error and exits."""

    def __init__(self, process, *, delay=5):
        self.process, self.delay, self.stopping = process, delay, threading.Event()

    def start(self):
        self.process.start()
        threading.Thread(target=self._watch, daemon=True).start()
        return self

    def _watch(self):
        while not self.stopping.wait(1):
            if self.process.proc.poll() is not None and not self.stopping.wait(self.delay):
                log(f"{self.process.name} exited ({self.process.proc.returncode}); started again")
                self.process.start()

    def stop(self):
        self.stopping.set()
        self.process.stop()


# --- throwaway servers --------------------------------------------------------------------------


def as_postgres(cmd):
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Postgres:
    """A cluster of its own (the MACHINE-NOTES recipe), on its own port."""

    def __init__(self, folder):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not bins:
            sys.exit("No PostgreSQL server binaries in /usr/lib/postgresql: apt-get install postgresql")
        self.bin, self.folder, self.data = bins[-1], Path(folder), Path(folder) / "data"
        self.port = stack.free_port(25600)
        self.url = f"postgres://postgres@{HOST}:{self.port}/portal_faults"

    def start(self):
        self.folder.mkdir(parents=True)
        self.folder.parent.chmod(0o755)  # mkdtemp's 0700 would keep the postgres user out
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                    "-E", "UTF8", "--locale=C.UTF-8"]), check=True, stdout=subprocess.DEVNULL)
        subprocess.run(as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "pg.log"),
                                    "-w", "-o", f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} "
                                    "-c fsync=off", "start"]), check=True, stdout=subprocess.DEVNULL)
        import psycopg

        with psycopg.connect(f"postgres://postgres@{HOST}:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal_faults")

    def pids(self):
        """The postmaster and every process it started."""
        main = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == main:
                    children.append(int(stat.parent.name))
        return [main, *children]

    def signal(self, sig):
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def stop(self):
        with contextlib.suppress(Exception):
            self.signal(signal.SIGCONT)  # never leave it frozen
        subprocess.run(as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def query(self, sql, params=()):
        import psycopg

        with psycopg.connect(self.url, connect_timeout=10) as conn:
            return conn.execute(sql, params).fetchall()


class Redis:
    def __init__(self, folder):
        self.port = stack.free_port(26400)
        self.url = f"redis://{HOST}:{self.port}/0"
        self.process = stack.Process("redis", ["redis-server", "--bind", HOST, "--port", str(self.port), "--save", "",
                                               "--appendonly", "no"], os.environ, Path(folder) / "redis.log")

    def start(self):
        self.process.start()
        stack.wait_until(lambda: stack.port_answers(self.port), timeout=10, what="redis", process=self.process.proc)

    def kill(self):
        stack.stop_process(self.process.proc, signal.SIGKILL)

    def stop(self):
        self.process.stop()


class SMTPSink:
    """An SMTP server on loopback that keeps every message; stopped, its port refuses connections."""

    def __init__(self):
        self.port = stack.free_port(26500)
        self.messages = []  # (recipients, raw message)
        self.server = None

    def start(self):
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                reply = lambda line: self.wfile.write(line.encode() + b"\r\n")  # noqa: E731
                reply("220 faults-sink ESMTP")
                recipients = []
                while line := self.rfile.readline():
                    verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        reply("250 faults-sink")
                    elif verb == "MAIL":
                        recipients = []
                        reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(re.search(r"<([^>]*)>", line.decode()).group(1).lower())
                        reply("250 OK")
                    elif verb == "DATA":
                        reply("354 go ahead")
                        body = b"".join(iter(self.rfile.readline, b".\r\n"))
                        sink.messages.append((recipients, body))
                        reply("250 queued")
                    elif verb == "QUIT":
                        reply("221 bye")
                        return
                    else:  # RSET, NOOP
                        reply("250 OK")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer((HOST, self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def count_to(self, addresses):
        wanted = {a.lower() for a in addresses}
        return sum(1 for recipients, _ in self.messages for r in recipients if r in wanted)


# --- visitors -----------------------------------------------------------------------------------


class Site:
    """Requests to the stack, over TLS through nginx or plain straight to gunicorn (as nginx would)."""

    def __init__(self, port, tls):
        self.port, self.tls = port, tls

    def request(self, method, path, cookies=None, form=None, timeout=20):
        if self.tls:
            conn = http.client.HTTPSConnection(HOST, self.port, timeout=timeout, context=TLS)
            origin = f"https://{HOST}:{self.port}"
        else:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
            origin = f"https://{HOST}:{self.port}"
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "ko"}
        if not self.tls:
            headers["X-Forwarded-Proto"] = "https"
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Referer": origin + path})
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            jar = {}
            for header in response.msg.get_all("Set-Cookie") or []:
                parsed = http.cookies.SimpleCookie()
                parsed.load(header)
                jar.update({k: m.value for k, m in parsed.items()})
            return response.status, response.msg, content, jar
        finally:
            conn.close()

    def submit(self, path, fields):
        """GET a form, POST it with its CSRF token: the status of the POST, or the error's name."""
        try:
            status, _, body, cookies = self.request("GET", path)
            match = CSRF_INPUT.search(body)
            if status != 200 or not match:
                return f"form {status}"
            status, _, _, _ = self.request("POST", path, cookies, {"csrfmiddlewaretoken": match.group(1).decode(),
                                                                   **fields})
            return status
        except (OSError, http.client.HTTPException) as exc:
            return type(exc).__name__


class Visitors:
    """Two visitors fetching the pages in turn, each answer kept as (start, page, status, seconds)."""

    def __init__(self, site, count=2):
        self.site, self.count, self.seen, self.stopping = site, count, [], threading.Event()
        self.waiting = {}  # visitor -> (start, page) of the request still without an answer

    def __enter__(self):
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(self.count)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def run(self, n):
        turn = n
        while not self.stopping.is_set():
            name, path = PAGES[turn % len(PAGES)]
            turn += 1
            started = time.monotonic()
            self.waiting[n] = (started, name)
            try:
                status = self.site.request("GET", path)[0]
            except (OSError, http.client.HTTPException) as exc:
                status = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
            self.seen.append((started, name, status, time.monotonic() - started))
            del self.waiting[n]
            time.sleep(0.1)

    def summary(self, since, until):
        now = time.monotonic()
        window = [s for s in self.seen if since <= s[0] < until]
        # A request unanswered for over a second counts too, as waiting so far: it would otherwise vanish.
        window += [(start, page, "still waiting", now - start) for start, page in list(self.waiting.values())
                   if since <= start < until and now - start > 1]
        parts = []
        for name, _ in PAGES:
            counts = collections.Counter(str(status) for _, page, status, _ in window if page == name)
            longest = max((s[3] for s in window if s[1] == name), default=0)
            answers = ", ".join(f"{k}×{v}" for k, v in sorted(counts.items()))
            parts.append(f"{name} {answers} (≤ {longest:.2f} s)" if counts else f"{name} no answer")
        return "; ".join(parts)


class Newcomers:
    """People signing up now and then during a window; what they were told, to compare with what was kept."""

    def __init__(self, site, tag):
        self.site, self.tag, self.tried = site, tag, []  # (email, status)

    def sign_up(self):
        email = f"{self.tag}-{len(self.tried)}-{secrets.token_hex(3)}@faults.example"
        status = self.site.submit("/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})
        self.tried.append((email, status))
        return status

    def during(self, seconds, every=3):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.sign_up()
            time.sleep(every)


def slow_clients(port, tls, count, seconds):
    """`count` connections that send a request line and then one header line a second (never the blank
    line that ends the headers), each for `seconds` or until the server drops it. Returns how many the
    server dropped before the end."""
    dropped = []

    def dribble():
        try:
            raw = socket.create_connection((HOST, port), timeout=5)
            conn = TLS.wrap_socket(raw, server_hostname=HOST) if tls else raw
            conn.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}:{port}\r\n".encode())
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                time.sleep(1)
                conn.sendall(f"X-Slow-{secrets.token_hex(2)}: 1\r\n".encode())
            conn.close()
        except OSError:
            dropped.append(1)

    threads = [threading.Thread(target=dribble, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, dropped


# --- the faults ---------------------------------------------------------------------------------


class Run:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.pg, self.redis, self.smtp = Postgres(self.folder / "pg"), Redis(self.folder), SMTPSink()
        self.rows = []

    def kept(self, newcomers):
        """(told it worked, accounts found among them, accounts found among those told it failed)."""
        emails = [e for e, _ in newcomers.tried]
        found = {r[0] for r in self.pg.query("SELECT email FROM account_emailaddress WHERE email = ANY(%s)",
                                             [emails])} if emails else set()
        told_ok = [e for e, status in newcomers.tried if status == 302]
        told_failed = [e for e, status in newcomers.tried if status != 302]
        return told_ok, found, [e for e in told_failed if e in found]

    def wait_for_mail(self, addresses, expected):
        deadline = time.monotonic() + MAIL_WAIT
        while time.monotonic() < deadline and self.smtp.count_to(addresses) < expected:
            time.sleep(1)
        return self.smtp.count_to(addresses)

    def lost(self, newcomers, extra_mail=(), extra_expected=0):
        told_ok, found, saved_but_error = self.kept(newcomers)
        statuses = collections.Counter(str(s) for _, s in newcomers.tried)
        accounts = [e for e, _ in newcomers.tried if e in found]
        mails_expected = len(accounts) + extra_expected
        mails = self.wait_for_mail([*accounts, *extra_mail], mails_expected)
        text = (f"sign-ups answered {', '.join(f'{k}×{v}' for k, v in sorted(statuses.items()))}; "
                f"accounts told ok {len(told_ok)}, kept {len([e for e in told_ok if e in found])}")
        if saved_but_error:
            text += f"; {len(saved_but_error)} saved although the visitor saw an error"
        text += f"; mails expected {mails_expected}, delivered {mails}"
        return text

    def record(self, fault, visitors, since, until, lost):
        row = (fault, visitors.summary(since, until), lost)
        self.rows.append(row)
        log(f"{fault}: {row[1]} | {row[2]}")

    def baseline(self, site, visitors):
        newcomers = Newcomers(site, "baseline")
        since = time.monotonic()
        newcomers.during(WINDOW / 2)
        self.record("none (baseline)", visitors, since, time.monotonic(), self.lost(newcomers))

    def redis_killed(self, site, visitors):
        newcomers = Newcomers(site, "redis")
        since = time.monotonic()
        self.redis.kill()
        newcomers.during(WINDOW)
        self.redis.start()
        time.sleep(2)
        self.record(f"Redis killed, restarted after {WINDOW} s", visitors, since, time.monotonic(),
                    self.lost(newcomers))

    def postgres_frozen(self, site, visitors):
        newcomers = Newcomers(site, "freeze")
        since = time.monotonic()
        self.pg.signal(signal.SIGSTOP)
        signer = threading.Thread(target=newcomers.during, args=(FREEZE,), daemon=True)
        signer.start()
        time.sleep(FREEZE)
        self.pg.signal(signal.SIGCONT)
        signer.join(timeout=60)
        time.sleep(3)
        self.record(f"PostgreSQL frozen {FREEZE} s (SIGSTOP)", visitors, since, time.monotonic(),
                    self.lost(newcomers))

    def smtp_refused(self, site, visitors):
        newcomers = Newcomers(site, "smtp")
        since = time.monotonic()
        self.smtp.stop()
        before = self.smtp.count_to([DEMO_OWNER])
        newcomers.sign_up()
        reset = site.submit("/accounts/password/reset/", {"email": DEMO_OWNER})
        newcomers.sign_up()
        time.sleep(WINDOW / 2)
        self.smtp.start()
        until = time.monotonic()
        lost = self.lost(newcomers, extra_mail=[DEMO_OWNER], extra_expected=before + 1)
        self.record(f"SMTP refused, back after ~{WINDOW // 2} s", visitors, since, until,
                    f"password reset answered {reset}; {lost}")

    def slow_connections(self, target, visitors, label):
        since = time.monotonic()
        threads, dropped = slow_clients(target.port, target.tls, SLOW, WINDOW + 5)
        for thread in threads:
            thread.join(timeout=WINDOW + 30)
        self.record(f"{SLOW} slow connections {label}", visitors, since, time.monotonic(),
                    f"nothing written; {len(dropped)} of {SLOW} slow connections dropped by the server")


def main():
    if not shutil.which("redis-server"):
        sys.exit("redis-server is needed: apt-get install redis-server")
    folder = Path(tempfile.mkdtemp(prefix="portal-faults-"))
    run = Run(folder)
    started, begun = [], time.monotonic()
    https_port, http_port, app_port = stack.free_port(27443), stack.free_port(27080), stack.free_port(27001)
    try:
        log(f"throwaway PostgreSQL, Redis and SMTP sink in {folder}")
        run.pg.start()
        started.append(run.pg)
        run.redis.start()
        started.append(run.redis)
        run.smtp.start()
        env = stack.portal_env(database_url=run.pg.url, redis_url=run.redis.url, media_root=folder / "media",
                               https_port=https_port, extra={
                                   "EMAIL_HOST": HOST, "EMAIL_PORT": str(run.smtp.port), "EMAIL_USE_TLS": "0",
                                   "DJANGO_LOG_LEVEL": "WARNING"})
        log("migrate, collectstatic, outage page, demo data")
        stack.manage(env, "migrate", "--noinput", quiet=True)
        stack.manage(env, "collectstatic", "--noinput", quiet=True)
        stack.manage(env, "render_outage_page", quiet=True)
        stack.manage(env, "seed_demo", "--allow-production", quiet=True)
        cert, key = stack.self_signed_certificate(folder / "tls")
        nginx = stack.Nginx(folder / "nginx", stack.render_site(
            upstream=f"{HOST}:{app_port}", static_root=ROOT / "staticfiles", media_root=folder / "media",
            cert=cert, key=key, https_port=https_port, http_port=http_port))
        web = stack.gunicorn(env, app_port, workers=3, log=folder / "gunicorn.log").start()
        started.append(web)
        stack.wait_until(lambda: stack.http_answers(app_port), timeout=60, what="gunicorn", process=web.proc)
        started.append(Supervised(stack.task_worker(env, log=folder / "worker.log")).start())
        nginx.start(https_port)
        started.append(nginx)

        front, direct = Site(https_port, tls=True), Site(app_port, tls=False)
        log("stack ready; faults one after another")
        with Visitors(front) as visitors:
            time.sleep(2)
            run.baseline(front, visitors)
            run.redis_killed(front, visitors)
            run.postgres_frozen(front, visitors)
            run.smtp_refused(front, visitors)
            run.slow_connections(front, visitors, "through nginx")
        with Visitors(direct) as visitors:
            run.slow_connections(direct, visitors, "straight to gunicorn (no nginx, for comparison)")
        write_results(run.rows, time.monotonic() - begun)
    finally:
        run.smtp.stop()
        for process in reversed(started):
            with contextlib.suppress(Exception):
                process.stop()
        shutil.rmtree(folder, ignore_errors=True)


def write_results(rows, seconds):
    commit = subprocess.run(["git", "log", "-1", "--format=%h"], cwd=ROOT, capture_output=True, text=True)
    lines = [
        "# `make faults`: one part broken at a time",
        "",
        f"Run on {time.strftime('%Y-%m-%d %H:%M %Z')} at commit {commit.stdout.strip()}, in {seconds:.0f} s "
        f"({os.cpu_count()} CPUs). Production settings behind nginx, gunicorn with 3 sync workers, one task",
        "worker, throwaway PostgreSQL / Redis / SMTP sink. Visitors: two clients fetching home, news and sign-in",
        "in turn through nginx (answers counted per page over the window, each with its longest wait); newcomers sign",
        "up every 3 s during the window. Regenerate with `make faults`.",
        "",
        "| fault | what visitors got | what was lost |",
        "|---|---|---|",
        *(f"| {fault} | {got} | {lost} |" for fault, got, lost in rows),
        "",
    ]
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))
    log(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
