"""The projects app's background tasks, run by the worker (`manage.py db_worker`), never inside a request."""

from django_tasks import task

from projects import services


@task()
def send_review_reminders() -> int:
    """Remind the panel members who still owe reviews in the days before their panel's deadline (once each)."""
    return services.review_reminders_send()
