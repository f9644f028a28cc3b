"""After a database was restored by other means (pg_restore by hand, a provider's snapshot): make every
cache of public data forget, so no page lists rows the restore took away."""

from django.core.management.base import BaseCommand

from portal import backups


class Command(BaseCommand):
    help = "Make cached pages and figures stale after a database restore."

    def handle(self, *args, **options):
        backups.after_restore()
        self.stdout.write(self.style.SUCCESS("Cached pages and figures forgotten."))
