"""The figures are counted in the background: a page never waits while every table is aggregated."""

from django_tasks import task

from stats import figures


@task()
def refresh_figures() -> str:
    """Count the figures again and store them; returns the data version they were computed at."""
    return figures.refresh()
