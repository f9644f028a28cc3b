from django.core.management.base import BaseCommand, CommandError

from news.models import Category
from news.services import FeedError, import_feed


class Command(BaseCommand):
    help = "Import an RSS or Atom feed (URL or local file) as draft news articles; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("source", help="http(s) address of the feed, or a path to a feed file.")
        parser.add_argument("--source-name", default="", help="Name for the attribution line (default: feed title).")
        parser.add_argument("--category", default=Category.PRESS_RELEASE, choices=Category.values)

    def handle(self, *args, source, source_name, category, **options):
        try:
            result = import_feed(source=source, source_name=source_name, by=None, category=category)
        except FeedError as exc:
            raise CommandError(f"Nothing imported. {exc}") from exc
        for article in result.created:
            self.stdout.write(f"created: {article.title} ({article.source_url})")
        for label, reason in result.skipped:
            self.stdout.write(f"skipped: {label}: {reason}")
        for label, reason in result.rejected:
            self.stdout.write(f"rejected: {label}: {reason}")
        self.stdout.write(self.style.SUCCESS(
            f"created {len(result.created)}, skipped {len(result.skipped)}, rejected {len(result.rejected)}"
        ))
