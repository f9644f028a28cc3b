"""List, and with --delete remove, what no row will ever name: stored private files and stale upload
temp files. The rules are `portal.files.sweep_orphans`, which the background task calls too."""

import datetime

from django.core.management.base import BaseCommand

from portal.files import ORPHAN_AGE, sweep_orphans


class Command(BaseCommand):
    help = "List stored files under private/ that no row names, and stale upload temp files; --delete removes them."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete the files listed.")
        parser.add_argument(
            "--older-than", type=int, default=int(ORPHAN_AGE.total_seconds() // 60), metavar="MINUTES",
            help="Leave files younger than this alone: their row may still be on its way (default 60).",
        )

    def handle(self, *args, delete, older_than, **options):
        sweep = sweep_orphans(older_than=datetime.timedelta(minutes=older_than), delete=delete)
        for name in sweep.stored + sweep.temporary:
            self.stdout.write(name)
        verb = "Deleted" if delete else "Found"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {len(sweep.stored)} stored file(s) that no row names "
            f"and {len(sweep.temporary)} stale upload temp file(s)."
        ))
