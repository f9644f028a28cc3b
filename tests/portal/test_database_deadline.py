"""A frozen PostgreSQL costs a request seconds, not a worker: the client's deadline (portal/db).

A frozen server (SIGSTOP, a stalled disk, a path that drops packets) accepts bytes and never answers,
so its statement timeout cannot fire. Here it is a real one: a relay between Django and the suite's
PostgreSQL that stops forwarding when paused. Everything else is real: the server, the connection,
the view, handler500."""

import contextlib
import signal
import socket
import threading
import time
import wsgiref.util

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from django.test import Client

from members.models import User
from portal.db.deadline import DeadlineExceeded, deadline, long_statements

ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="the deadline is the PostgreSQL backend's (CI runs it)")
# Short, so the suite does not wait the production default (statement timeout + 2 s) at each step.
DEADLINE = 1.0
QUERY = "/faults/sleep?seconds=0"  # one round trip to the server (tests/portal/fault_urls.py)


class Relay:
    """TCP between Django and the real server, byte for byte; paused, it forwards nothing."""

    def __init__(self, target):
        self.target = target
        self.flowing = threading.Event()
        self.flowing.set()
        self.sockets = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._hang_up(source, sink)

    def pause(self):
        self.flowing.clear()

    def resume(self):
        self.flowing.set()

    def close(self):
        self.resume()
        self.listener.close()
        self._hang_up(*self.sockets)

    @staticmethod
    def _hang_up(*ends):
        # shutdown, not only close: another thread may be blocked in recv() on the same socket, and
        # close() alone would then send the server nothing, leaving its session (and locks) open.
        for end in ends:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()


@pytest.fixture
def relay(transactional_db):
    """The default connection, opened through a relay; put back as it was afterwards."""
    settings_dict, saved = connection.settings_dict, dict(connection.settings_dict)
    saved_deadline = connection.client_deadline
    relay = Relay((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", relay.port
    connection.client_deadline = DEADLINE
    connection.ensure_connection()
    yield relay
    relay.close()
    connection.close()
    settings_dict.update(saved)
    connection.client_deadline = saved_deadline


def serve(path):
    """One request as gunicorn hands it to Django. Unlike the test client, this sends request_started,
    so a kept connection gets Django's health check before its first query."""
    environ = {"PATH_INFO": path.split("?")[0], "QUERY_STRING": path.partition("?")[2]}
    wsgiref.util.setup_testing_defaults(environ)
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered.update(status=int(status.split()[0]), headers=dict(headers))

    body = WSGIHandler()(environ, start_response)
    try:
        answered["content"] = b"".join(body).decode()
    finally:
        body.close()
    return answered


def frozen_client():
    return Client(raise_request_exception=False)


@postgres_only
@pytest.mark.postgres
def test_a_query_to_a_frozen_server_raises_within_the_deadline(relay):
    relay.pause()
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        User.objects.count()
    assert time.monotonic() - start < DEADLINE + 1
    assert connection.connection is None  # dropped: the next query connects afresh


@postgres_only
@pytest.mark.postgres
@pytest.mark.urls("tests.portal.fault_urls")
def test_a_view_on_a_frozen_server_answers_the_503_page_with_retry_after(relay):
    relay.pause()
    start = time.monotonic()
    response = frozen_client().get(QUERY)
    assert time.monotonic() - start < DEADLINE + 1
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "일시적으로 서비스를 이용할 수 없습니다" in response.content.decode()


@postgres_only
@pytest.mark.postgres
@pytest.mark.urls("tests.portal.fault_urls")
def test_a_kept_connection_fails_its_health_check_and_reconnecting_gives_up_in_bounded_time(relay):
    assert serve(QUERY)["status"] == 200  # the connection is kept for the next request
    relay.pause()
    start = time.monotonic()
    answered = serve(QUERY)
    # The health check's SELECT 1 gives up after a second, then the new connection after connect_timeout.
    assert time.monotonic() - start < 1 + connection.settings_dict["OPTIONS"]["connect_timeout"] + 1
    assert answered["status"] == 503
    assert answered["headers"]["Retry-After"] == "30"


@postgres_only
@pytest.mark.postgres
@pytest.mark.urls("tests.portal.fault_urls")
def test_the_next_request_works_once_the_server_answers_again(relay):
    relay.pause()
    assert frozen_client().get(QUERY).status_code == 503
    relay.resume()
    response = frozen_client().get(QUERY)
    assert (response.status_code, response.content) == (200, b"slept")


@postgres_only
@pytest.mark.postgres
def test_a_deadline_inside_atomic_leaves_the_block_and_the_next_transaction_reconnects(relay):
    with pytest.raises(DeadlineExceeded), transaction.atomic():
        User.objects.count()
        with transaction.atomic():  # a savepoint: the inner block must not try to roll back to it
            relay.pause()
            User.objects.count()
    assert not connection.in_atomic_block and connection.connection is None
    relay.resume()
    with transaction.atomic():
        assert User.objects.count() == 0


@postgres_only
@pytest.mark.postgres
def test_a_commit_to_a_frozen_server_raises_within_the_deadline(relay):
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded), transaction.atomic():
        User.objects.count()
        relay.pause()  # the query has answered; the COMMIT will not
    assert time.monotonic() - start < DEADLINE + 1  # atomic's exit did not reconnect to the frozen server
    assert connection.connection is None
    relay.resume()
    assert User.objects.count() == 0


@postgres_only
@pytest.mark.postgres
def test_a_server_side_cursor_fetch_is_under_the_deadline_too(relay):
    User.objects.create(email="a@example.com")
    User.objects.create(email="b@example.com")
    with pytest.raises(DeadlineExceeded), transaction.atomic():
        rows = User.objects.values_list("email", flat=True).iterator(chunk_size=1)
        next(rows)
        relay.pause()
        next(rows)


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db
def test_long_statements_raise_the_server_timeout_and_the_client_deadline_for_one_transaction():
    normal = connection.client_deadline
    with transaction.atomic(), long_statements(seconds=25):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "25s"
        assert connection.client_deadline == 27
    assert connection.client_deadline == normal == 7


def test_the_deadline_interrupts_a_wait_in_the_main_thread():
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded), deadline(0.2):
        time.sleep(5)
    assert time.monotonic() - start < 1
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_nothing_is_armed():
    seen = {}

    def in_a_thread():
        handler = signal.getsignal(signal.SIGALRM)
        with deadline(0.05):
            time.sleep(0.2)
            seen["timer"] = signal.getitimer(signal.ITIMER_REAL)
        seen["handler_kept"] = signal.getsignal(signal.SIGALRM) is handler

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert seen == {"timer": (0.0, 0.0), "handler_kept": True}


def test_a_timer_already_running_is_put_back_with_what_is_left_of_it():
    def outer(signum, frame):
        raise AssertionError("the outer timer must not fire during this test")

    previous = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        with deadline(0.5):
            pass
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 29 < left <= 30
        assert signal.getsignal(signal.SIGALRM) is outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
