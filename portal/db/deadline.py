"""A client-side deadline on waits for the database.

PostgreSQL's statement_timeout is enforced by the server: a server that is frozen (SIGSTOP, a stalled
disk, a network path that drops packets while the kernel still acknowledges) never fires it, and libpq
has no timeout of its own for an answer. So the backend (`portal.db.postgresql`) puts every wait under
a SIGALRM timer that raises `DeadlineExceeded`, an OperationalError: handler500 answers the 503 page and
the connection is closed, so the next request connects afresh (and meets connect_timeout).

The timer is armed only in the main thread, where gunicorn's sync workers and `db_worker` run requests
and tasks: signals are delivered there only. Elsewhere (runserver's and the live server's threads,
/healthz's checker thread) waits keep the server's own timeouts.
"""

import signal
import threading
import time
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.transaction import TransactionManagementError
from django.db.utils import OperationalError

# How much longer than the server's statement timeout the client waits: the server's own cancel
# (a clean error, the connection kept) normally comes first; the deadline only catches a server that
# cannot answer at all. The settings' default (DJANGO_DB_CLIENT_DEADLINE) uses the same margin.
MARGIN = 2


class DeadlineExceeded(OperationalError):
    """The database did not answer within the client's deadline."""


def armable():
    return threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds):
    """Raise DeadlineExceeded in the block if it is still running after `seconds` (0 or None: no limit).

    A timer already running (the host's, or an outer deadline) is put back afterwards with what is left
    of it; if it would fire first anyway, this one is not armed at all.
    """
    if not seconds or not armable():
        yield
        return
    previous_delay, previous_interval = signal.getitimer(signal.ITIMER_REAL)
    if previous_delay and previous_delay <= seconds:
        yield
        return
    armed = True

    def expire(signum, frame):
        # A signal already on its way when the block ended must not raise in the cleanup below.
        if armed:
            raise DeadlineExceeded(f"the database did not answer within {seconds:g} s (client deadline)")

    previous_handler = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous_handler is None else previous_handler)
        if previous_delay:
            left = previous_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), previous_interval)


@contextmanager
def long_statements(*, seconds, using=DEFAULT_DB_ALIAS):
    """For the rest of the current transaction, statements may run `seconds` (the admin's CSV exports).

    On PostgreSQL the server's statement timeout is raised with SET LOCAL (so it ends with the
    transaction, even if the block is left by an error) and the client's deadline with it, for the block.
    Elsewhere it does nothing.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise TransactionManagementError("long_statements() sets the timeout for one transaction: use it in atomic()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(seconds)}s"])
    previous = connection.client_deadline
    if previous:  # 0: the operator turned the deadline off
        connection.client_deadline = seconds + MARGIN
    try:
        yield
    finally:
        connection.client_deadline = previous
