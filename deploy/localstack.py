"""The production stack on loopback, in pieces: nginx with the shipped site, gunicorn with the shipped
config, the task worker, and the settings they run with. `make prod-local` (deploy/prod_local.py),
`make faults` (deploy/faults.py) and the nginx tests (tests/deploy/) build from these, so what they
exercise is deploy/nginx/portal.conf and deploy/gunicorn.conf.py themselves, with only the
machine-specific paths, names and ports replaced.

Standard library only: it runs before Django is set up, on the venv's Python.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "portal.conf"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")


def port_answers(port, host=HOST):
    with socket.socket() as s:
        s.settimeout(1)
        try:
            s.connect((host, port))
        except OSError:
            return False
    return True


def free_port(start):
    """The first port from `start` on which nothing listens (keep `start` below 32768, the kernel's
    range for outgoing connections)."""
    for port in range(start, start + 500):
        with socket.socket() as s, contextlib.suppress(OSError):
            s.bind((HOST, port))
            return port
    raise RuntimeError(f"no free port from {start}")


def wait_until(check, *, timeout, what, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not ready within {timeout} s")


# --- nginx ------------------------------------------------------------------------------------


def render_site(*, upstream, static_root, media_root, cert, key, https_port, http_port):
    """deploy/nginx/portal.conf for this machine: the shipped text with its placeholders replaced.
    A placeholder missing from the file stops here, so the shipped file cannot drift unnoticed."""
    text = SITE.read_text()
    replacements = [
        ("server 127.0.0.1:8000", f"server {upstream}"),
        ("https://portal.example.kr", f"https://{HOST}:{https_port}"),
        # Only the address, never "localhost": browsers keep HSTS for host names, not for IP addresses,
        # and a rehearsal must not switch https on for every other localhost server.
        ("server_name portal.example.kr", f"server_name {HOST}"),
        ("/etc/ssl/portal/fullchain.pem", str(cert)),
        ("/etc/ssl/portal/privkey.pem", str(key)),
        ("/srv/portal/staticfiles", str(static_root).rstrip("/")),
        ("/srv/portal/var/media", str(media_root).rstrip("/")),
        # Browsers send no server name for an address: the portal is the only site on those ports.
        (" default_server", ""),
        ("listen 443", f"listen {HOST}:{https_port}"),
        ("listen 80", f"listen {HOST}:{http_port}"),
    ]
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"{SITE} no longer contains {old!r}: update deploy/localstack.py")
        text = text.replace(old, new)
    return text


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1 (and its key), made once per folder."""
    cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    if not (cert.exists() and key.exists()):
        Path(folder).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-keyout", str(key),
             "-out", str(cert), "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )
    return cert, key


class Nginx:
    """nginx with its own prefix folder: its own main config (what Debian's /etc/nginx/nginx.conf
    gives a site), pid, logs and temp folders; the system's nginx is never touched."""

    def __init__(self, prefix, site_text):
        self.prefix = Path(prefix)
        self.conf = self.prefix / "nginx.conf"
        self.error_log = self.prefix / "logs" / "error.log"
        self.proc = None
        for sub in ("logs", "tmp"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        (self.prefix / "portal.conf").write_text(site_text)
        # As root, the workers would run as `nobody` and could not read the uploads (mode 0640).
        user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.geteuid() == 0 else ""
        temp = "\n".join(f"    {kind}_temp_path {self.prefix}/tmp/{kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        self.conf.write_text(f"""{user}
worker_processes 2;
daemon off;
pid {self.prefix}/nginx.pid;
error_log {self.error_log} warn;
events {{ worker_connections 1024; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log {self.prefix}/logs/access.log;
{temp}
    include {self.prefix}/portal.conf;
}}
""")

    def command(self, *args):
        return [NGINX, "-p", str(self.prefix), "-e", str(self.error_log), "-c", str(self.conf), *args]

    def test(self):
        """`nginx -t`: (ok, what it said)."""
        done = subprocess.run(self.command("-t"), capture_output=True, text=True)
        return done.returncode == 0, done.stdout + done.stderr

    def start(self, port):
        self.proc = subprocess.Popen(self.command(), start_new_session=True)
        wait_until(lambda: port_answers(port), timeout=15, what="nginx", process=self.proc)

    def stop(self):
        stop_process(self.proc, signal.SIGQUIT)  # QUIT: finish the requests in flight, then exit


# --- the portal's processes -------------------------------------------------------------------


def portal_env(*, database_url, redis_url, media_root, https_port, extra=None):
    """Production settings for a rehearsal on 127.0.0.1: DEBUG off, a fresh secret, behind nginx, private
    files sent by nginx. Nothing of the caller's DJANGO_*, database, cache or mail settings leaks in."""
    dropped = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_", "GUNICORN_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{HOST}:{https_port}",
        PORTAL_SITE_URL=f"https://{HOST}:{https_port}",  # production requires it (links in mails)
        DJANGO_BEHIND_PROXY="1",
        DJANGO_SENDFILE_BACKEND="nginx",
        DJANGO_MEDIA_ROOT=str(media_root),
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def manage(env, *args, quiet=False):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


class Process:
    """A child in its own session (a Ctrl-C in the terminal reaches us, and we stop it in order)."""

    def __init__(self, name, argv, env, log=None):
        self.name, self.argv, self.env, self.log, self.proc = name, argv, env, log, None

    def start(self):
        out = open(self.log, "a") if self.log else None  # noqa: SIM115 (kept open for the child's life)
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=out,
                                     start_new_session=True)
        return self

    def stop(self):
        stop_process(self.proc, signal.SIGTERM)


def gunicorn(env, port, *, workers=2, log=None):
    env = {**env, "GUNICORN_BIND": f"{HOST}:{port}", "GUNICORN_WORKERS": str(workers)}
    return Process("gunicorn", [str(BIN / "gunicorn"), "--config", str(GUNICORN_CONF), "portal.wsgi:application"],
                   env, log)


def task_worker(env, *, log=None):
    # As deploy/systemd/portal-worker.service: the worker waits for the database, no client deadline.
    return Process("task worker", [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"],
                   {**env, "DJANGO_DB_CLIENT_DEADLINE": "0"}, log)


def stop_process(proc, sig, timeout=35):
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def http_answers(port, path="/healthz"):
    """Whether gunicorn answers at all (any status: /healthz may say 503 while a part is degraded)."""
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https"})
        conn.getresponse().read()
        return True
    finally:
        conn.close()
