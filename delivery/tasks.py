"""The delivery app's background tasks, run by the worker (`manage.py db_worker`), never inside a request."""

from django_tasks import task

from delivery import reminders


@task()
def send_report_reminders() -> int:
    """Queue the progress-report reminders due today (delivery.reminders); safe to run twice."""
    return reminders.report_reminders_send()
