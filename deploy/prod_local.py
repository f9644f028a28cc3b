"""`make prod-local`: the production stack on loopback, for a rehearsal, until Ctrl-C.

nginx (deploy/nginx/portal.conf, self-signed certificate) on https://127.0.0.1:8443 and a redirect on
http://127.0.0.1:8080, gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1:8001, one task worker; settings
as in production (DEBUG off, a fresh secret, behind a proxy, private files sent by nginx). First it
runs the release steps: migrate, collectstatic, the static outage page.

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_local, created if
missing), REDIS_URL (default the local Redis, db 1; a Redis of its own when none answers),
PROD_LOCAL_HTTPS_PORT (8443), PROD_LOCAL_HTTP_PORT (8080), PROD_LOCAL_APP_PORT (8001),
PROD_LOCAL_DEMO (1: load the demo data into an empty database; 0: leave it empty).
Files (certificate, nginx prefix, uploads, logs) live in var/prod-local/.
Mail is printed by the task worker (no EMAIL_HOST).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy import localstack as stack  # noqa: E402
from deploy.localstack import HOST, ROOT  # noqa: E402

STATE = ROOT / "var" / "prod-local"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/portal_local"


def log(message):
    print(f"[prod-local {time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_database(url):
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def redis_url(started):
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if stack.port_answers(6379):
        return f"redis://{HOST}:6379/1"
    port = stack.free_port(26379)
    started.append(stack.Process("redis", ["redis-server", "--bind", HOST, "--port", str(port), "--save", "",
                                   "--appendonly", "no"], os.environ, STATE / "redis.log").start())
    stack.wait_until(lambda: stack.port_answers(port), timeout=10, what="redis")
    log(f"started Redis on {HOST}:{port}")
    return f"redis://{HOST}:{port}/0"


def demo_wanted(env):
    if os.environ.get("PROD_LOCAL_DEMO", "1") != "1":
        return False
    code = ("import django; django.setup(); from members.models import Organization; "
            "print(Organization.objects.exists())")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip().endswith("False")


def stop_on_signal(signum, frame):
    raise KeyboardInterrupt


def main():
    # Ctrl-C, a closed terminal or a kill all stop the children first (they run in sessions of
    # their own, so nothing else would). SIGINT is set too: a shell's background job starts ignoring it.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop_on_signal)
    https_port = int(os.environ.get("PROD_LOCAL_HTTPS_PORT", 8443))
    http_port = int(os.environ.get("PROD_LOCAL_HTTP_PORT", 8080))
    app_port = int(os.environ.get("PROD_LOCAL_APP_PORT", 8001))
    for port in (https_port, http_port, app_port):
        if stack.port_answers(port):
            sys.exit(f"127.0.0.1:{port} is taken: set PROD_LOCAL_*_PORT (see deploy/prod_local.py)")
    STATE.mkdir(parents=True, exist_ok=True)
    started = []  # processes, stopped in reverse order
    try:
        database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
        ensure_database(database_url)
        env = stack.portal_env(database_url=database_url, redis_url=redis_url(started),
                               media_root=STATE / "media", https_port=https_port)
        log("migrate, collectstatic, outage page")
        stack.manage(env, "migrate", "--noinput", quiet=True)
        stack.manage(env, "collectstatic", "--noinput", quiet=True)
        stack.manage(env, "render_outage_page")
        if demo_wanted(env):
            log("loading the demo data (PROD_LOCAL_DEMO=0 to skip)")
            stack.manage(env, "seed_demo", "--allow-production")

        cert, key = stack.self_signed_certificate(STATE / "tls")
        nginx = stack.Nginx(STATE / "nginx", stack.render_site(
            upstream=f"{HOST}:{app_port}", static_root=ROOT / "staticfiles", media_root=STATE / "media",
            cert=cert, key=key, https_port=https_port, http_port=http_port,
        ))
        ok, said = nginx.test()
        if not ok:
            sys.exit(f"nginx -t failed:\n{said}")

        web = stack.gunicorn(env, app_port, log=STATE / "gunicorn.log").start()
        started.append(web)
        stack.wait_until(lambda: stack.http_answers(app_port), timeout=60, what="gunicorn", process=web.proc)
        started.append(stack.task_worker(env, log=STATE / "worker.log").start())
        nginx.start(https_port)
        started.append(nginx)
        log(f"ready: https://{HOST}:{https_port}/  (self-signed: curl -k, or accept the warning)")
        log(f"logs: {STATE}/gunicorn.log, worker.log (mail is printed there), nginx/logs/. Ctrl-C stops it all.")
        # A part that stops (or is stopped, to rehearse a fault) is reported; the rest keeps serving.
        exited = set()
        while True:
            for process in started:
                name = getattr(process, "name", "nginx")
                if name not in exited and process.proc.poll() is not None:
                    exited.add(name)
                    log(f"{name} exited with {process.proc.returncode}; the rest keeps running (Ctrl-C stops it)")
            time.sleep(1)
    except KeyboardInterrupt:
        log("stopping")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not leave children behind
        for process in reversed(started):
            with contextlib.suppress(Exception):
                process.stop()
        log("stopped")


if __name__ == "__main__":
    main()
