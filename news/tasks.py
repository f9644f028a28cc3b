"""The feed import as a background task: fetching someone else's server never holds a request."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from news import services


@task()
def import_feed(*, url: str, source_name: str, category: str, by_id: int | None) -> dict:
    """Import `url` as drafts, as the admin's import page asked; the summary is the task's result."""
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    with translation.override(settings.LANGUAGE_CODE):
        try:
            result = services.import_feed(
                source=url, source_name=source_name, by=by, category=category,
                public_only=True,  # staff may not make the server fetch from its own network
            )
        except services.FeedError as error:
            return {"error": str(error)}
    return {
        "created": len(result.created),
        "skipped": len(result.skipped),
        "rejected": [f"{label}: {reason}" for label, reason in result.rejected],
    }


def recent_imports(limit=10) -> list[dict]:
    """The latest imports queued from the admin, newest first, with their outcome once the worker has run them."""
    rows = DBTaskResult.objects.filter(task_path=import_feed.module_path).order_by("-enqueued_at")[:limit]
    return [
        {
            "url": row.args_kwargs["kwargs"].get("url", ""),
            "enqueued_at": row.enqueued_at,
            "status": row.get_status_display(),
            "finished": row.finished_at is not None,
            "outcome": row.return_value or (
                {"error": _("The import stopped on an unexpected error, recorded in the worker's log.")}
                if row.status == TaskResultStatus.FAILED else {}
            ),
        }
        for row in rows
    ]
