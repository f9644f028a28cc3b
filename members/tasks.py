"""The members app's background tasks, run by the worker (`manage.py db_worker`), never inside a request."""

from django_tasks import task

from members import reminders


@task()
def send_certificate_reminders() -> int:
    """Queue the certificate reminders due today (members.reminders); safe to run twice."""
    return reminders.certificate_reminders_send()
