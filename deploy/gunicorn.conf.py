"""gunicorn for the portal, behind nginx: `gunicorn --config deploy/gunicorn.conf.py portal.wsgi:application`.

Sync workers are enough because nginx (deploy/nginx/portal.conf) reads each request whole before
passing it on and takes each response whole, so a worker never waits on a slow client: it is busy
only while Django works. The environment may change where it listens and how many workers it runs.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"

# A request still running after 30 s is killed and its worker replaced; nginx waits 35 s
# (proxy_read_timeout), so it sees the kill as a 502 and shows the outage page. The database's
# own timeouts end a hung query well before this.
timeout = 30
# On a restart or reload, running requests get as long to finish as they could have anyway.
graceful_timeout = 30
# Replace each worker after about 2,000 requests (staggered), so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200

# Only nginx on this machine may say the request came over HTTPS (gunicorn's own scheme handling;
# Django reads X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "127.0.0.1"

# nginx writes the access log; errors go to the journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
