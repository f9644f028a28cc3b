"""Running the task queue in tests as the worker does, and a real SMTP server on loopback.

Every test that wants a mail delivered (or a feed imported) runs the queue through `run_tasks()`: tasks
are rows written by the code under test, so what a test sees is what a worker in production would do.
"""

import datetime
import socket

from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max


def run_tasks(*, later: datetime.timedelta | None = None) -> int:
    """Run every due task, as `manage.py db_worker --batch` does; returns how many ran.

    Each task is claimed under a row lock and run by django_tasks_db's own Worker.run_task. The
    worker's loop itself is not used: it recycles the database connection between tasks, which would
    end the test's transaction. With `later`, that much time has passed for the queue first: tasks
    deferred until then (a mail's retry) are due now. Tasks the run enqueues wait for the next call.
    """
    if later is not None:
        now = timezone.now()
        DBTaskResult.objects.filter(
            status="READY", run_after__lte=now + later
        ).exclude(run_after=get_date_max()).update(run_after=now)
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    due = list(DBTaskResult.objects.ready().values_list("pk", flat=True))
    ran = 0
    for pk in due:
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().filter(pk=pk).get_locked()
            if task_result is None:
                continue
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
    return ran


def free_port() -> int:
    """A loopback port nothing listens on (so a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """A real SMTP server (aiosmtpd) on a loopback port, started and stopped at will.

    Until `start()`, nothing listens on the port: the mail server refuses connections. With
    `answer` set to an SMTP reply ("451 4.3.0 Try again later"), it accepts connections and refuses
    each message with that reply.
    """

    def __init__(self):
        self.port = free_port()
        self.messages = []  # aiosmtpd envelopes: mail_from, rcpt_tos, content
        self.answer = None
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.answer:
            return self.answer
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received_by(self, address) -> list[str]:
        """The messages (as text) received for `address`."""
        return [e.content.decode() for e in self.messages if address in e.rcpt_tos]

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": self.port, "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "", "EMAIL_TIMEOUT": 3,
        }


