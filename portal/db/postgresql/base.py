"""Django's PostgreSQL backend with a client-side deadline on every wait for the server.

Selected by the settings when DATABASE_URL is PostgreSQL (ENGINE "portal.db.postgresql"); the deadline
is DATABASES["default"]["CLIENT_DEADLINE"] seconds (DJANGO_DB_CLIENT_DEADLINE; 0 turns it off). Why, and
how the timer works: portal/db/deadline.py.
"""

import contextlib

import psycopg
from django.db import Error
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper as BaseCursorWrapper

from portal.db.deadline import DeadlineExceeded, deadline

# Django's health check on a kept connection (SELECT 1 at the start of a request) answers in
# milliseconds when the server is well: after this long it is not, and Django reconnects instead,
# which libpq's connect_timeout bounds.
HEALTH_CHECK_DEADLINE = 1


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_deadline = self.settings_dict.get("CLIENT_DEADLINE") or 0
        # First in the list, so outermost: the deadline covers any wrapper added later.
        self.execute_wrappers.append(self._execute_within_deadline)

    @contextlib.contextmanager
    def within_deadline(self):
        try:
            with deadline(self.client_deadline):
                yield
        except DeadlineExceeded:
            # Interrupted mid-exchange, psycopg's connection is out of step with the server: drop it,
            # so the next request connects afresh. Inside an atomic block Django's close() marks the
            # connection closed in its transaction, and the outermost block's exit then forgets it.
            # A COMMIT or ROLLBACK that atomic() sends on its way out runs just after the block is
            # marked left: mark it the same way, or atomic's exit would reconnect at once (to restore
            # autocommit) and make the visitor wait connect_timeout more for a server that is frozen.
            in_transaction = not self.autocommit
            with contextlib.suppress(Error):
                self.close()
            if in_transaction:
                self.closed_in_transaction = True
            raise

    def _execute_within_deadline(self, execute, sql, params, many, context):
        with self.within_deadline():
            return execute(sql, params, many, context)

    def init_connection_state(self):
        # Setting the time zone and role waits on the server too.
        with self.within_deadline():
            super().init_connection_state()

    def _commit(self):
        with self.within_deadline():
            return super()._commit()

    def _rollback(self):
        with self.within_deadline():
            return super()._rollback()

    def is_usable(self):
        try:
            with deadline(min(self.client_deadline, HEALTH_CHECK_DEADLINE)):
                return super().is_usable()
        except DeadlineExceeded:
            return False  # Django closes the connection and opens a new one

    def make_cursor(self, cursor):
        return CursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return CursorDebugWrapper(cursor, self)


class ServerCursorDeadline:
    """A server-side cursor (QuerySet.iterator()) waits on the server after execute too: on each fetch,
    and on close (CLOSE)."""

    SERVER_WAITS = frozenset({"fetchone", "fetchmany", "fetchall", "scroll", "close"})

    def __getattr__(self, attr):
        value = super().__getattr__(attr)
        if attr not in self.SERVER_WAITS or not isinstance(self.cursor, psycopg.ServerCursor):
            return value

        def within_deadline(*args, **kwargs):
            with self.db.within_deadline():
                return value(*args, **kwargs)

        return within_deadline


class CursorWrapper(ServerCursorDeadline, BaseCursorWrapper):
    pass


class CursorDebugWrapper(ServerCursorDeadline, base.CursorDebugWrapper):
    pass
