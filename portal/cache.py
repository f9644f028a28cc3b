"""The Redis cache, failing soft: when Redis does not answer, the site keeps serving without it.

Everything the portal keeps in the cache can be rebuilt (rendered pages, the figures, the data
version) or can be done without for a while (allauth's rate-limit counters), so an unreachable Redis
must not turn every public page and every sign-in into a 500. `FailSoftRedisCache` is Django's
RedisCache with:

- short socket timeouts (connect and read, well under a second) and no client-side retries, so a
  stopped or frozen Redis costs a request at most a fraction of a second;
- a circuit breaker: after an error Redis is left alone for `COOLDOWN` seconds, so only one call
  per process and cooldown pays the timeout; the first call after it tries again;
- reads that miss and writes that are dropped while Redis is away (`add` says it stored, `incr`
  says the key is gone), with one warning per outage per process and one line when Redis is back.

Freshness: a dropped write may be one that made cached pages stale (the data version's bump after a
save), and Redis may come back with its old keys (a paused server, a network cut). So a process
that dropped a write sends `recovered` before it uses Redis again, and the page cache moves to a
new version then. It does not wait for its next request: a thread of its own asks Redis every
`COOLDOWN` seconds until it answers, so another process that saw nothing of the outage serves the
old pages for at most about that long. (A process that ends before Redis is back cannot tell; the
page cache's TTL bounds that case.)
"""

import logging
import os
import threading
import time
import weakref

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.dispatch import Signal

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 0.25  # seconds; Redis is on the local network, a connect takes a millisecond
READ_TIMEOUT = 0.5  # seconds; the slowest command the portal sends is a multi-key get of a few pages
COOLDOWN = 3  # seconds Redis is skipped after an error
PROBE_FOR = 600  # seconds a process keeps asking for Redis after dropping a write (the page TTL)

# Sent (sender=the backend class) when Redis answers again after this process dropped a write.
recovered = Signal()

_MISSING = object()


class _Breaker:
    """One per Redis address and process, shared by the threads' cache objects."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since = None
        self.retry_at = 0.0
        self.skipped = 0

    def closed(self):
        with self.lock:
            if self.down_since is None or time.monotonic() >= self.retry_at:
                return True
            self.skipped += 1
            return False

    def trip(self, location, error):
        with self.lock:
            self.retry_at = time.monotonic() + COOLDOWN
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
            self.skipped = 0
        logger.warning("Redis at %s does not answer (%s): serving without the cache, retrying every %s s",
                       location, error, COOLDOWN)

    def reset(self, location):
        with self.lock:
            if self.down_since is None:
                return
            down_for, skipped = time.monotonic() - self.down_since, self.skipped
            self.down_since = None
        logger.warning("Redis at %s answers again after %.1f s (%d calls went without it)",
                       location, down_for, skipped)


_breakers = {}
_breakers_lock = threading.Lock()
_lost = {"writes": False, "probing": False}
_lost_lock = threading.Lock()


def _forget_the_probe():
    # A forked child (a gunicorn worker) has no probe thread of its own, whatever its parent had.
    _lost["probing"] = False


os.register_at_fork(after_in_child=_forget_the_probe)


def _breaker_for(location):
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker())


class _OneClientPerPool(RedisCacheClient):
    """Django's client builds a new redis.Redis for every command, copying its couple of hundred response callbacks
    each time: about a third of what serving a stored page costs (issue 19). A redis.Redis is safe to share between
    threads (it takes a connection from its pool for each command), so one per pool is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        super().__init__(server, params)
        self._class = _OneClientPerPool
        self._options = {
            "socket_connect_timeout": CONNECT_TIMEOUT,
            "socket_timeout": READ_TIMEOUT,
            # redis-py retries three times by default: that would triple every timeout.
            "retry": Retry(NoBackoff(), 0),
            **self._options,
        }
        self._location = ",".join(self._servers)
        self._breaker = _breaker_for(self._location)

    def available(self):
        """Whether Redis answers now (a ping; no while the breaker is open): for /healthz."""
        return self._soft(self._ping, False) is True

    def _ping(self):
        return self._cache.get_client(write=True).ping()

    def _soft(self, call, fallback, *args, write=False, **kwargs):
        import redis

        if not self._breaker.closed():
            if write:
                self._lose_write()
            return fallback
        try:
            if _lost["writes"]:
                # Catch up before this call's answer is used: a read now could be the stale page.
                self._ping()
                self._breaker.reset(self._location)
                self._recover()
            result = call(*args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
            self._breaker.trip(self._location, error)
            if write:
                self._lose_write()
            return fallback
        self._breaker.reset(self._location)
        return result

    def _lose_write(self):
        with _lost_lock:
            _lost["writes"] = True
            if _lost["probing"]:
                return
            _lost["probing"] = True
        threading.Thread(target=_probe, args=(weakref.ref(self),), name="redis-probe", daemon=True).start()

    def _recover(self):
        with _lost_lock:
            if not _lost["writes"]:
                return
            _lost["writes"] = False
        # Receivers write through this cache: should Redis fail again, their writes are lost anew.
        recovered.send(sender=type(self))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().add, True, key, value, timeout, version=version, write=True)

    def get(self, key, default=None, version=None):
        return self._soft(super().get, default, key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._soft(super().set, None, key, value, timeout, version=version, write=True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().touch, False, key, timeout, version=version, write=True)

    def delete(self, key, version=None):
        return self._soft(super().delete, False, key, version=version, write=True)

    def get_many(self, keys, version=None):
        return self._soft(super().get_many, {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._soft(super().has_key, False, key, version=version)

    def incr(self, key, delta=1, version=None):
        result = self._soft(super().incr, _MISSING, key, delta, version=version, write=True)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (Redis does not answer)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set_many, [], data, timeout, version=version, write=True)

    def delete_many(self, keys, version=None):
        self._soft(super().delete_many, None, keys, version=version, write=True)

    def clear(self):
        return self._soft(super().clear, False, write=True)


def _probe(backend_ref):
    """Ask Redis every COOLDOWN seconds until it answers, then let the receivers catch up."""
    deadline = time.monotonic() + PROBE_FOR
    try:
        while time.monotonic() < deadline:
            time.sleep(COOLDOWN)
            backend = backend_ref()
            if backend is None or not _lost["writes"]:
                return
            if backend.available():  # which catches up first
                return
            del backend
    finally:
        with _lost_lock:
            _lost["probing"] = False
