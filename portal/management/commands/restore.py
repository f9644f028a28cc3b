"""Restore a backup folder written by `manage.py backup`, then make the caches forget (portal.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = "Replace the database's tables (and the uploads) with a backup's; stop web servers and workers first."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="A folder written by `manage.py backup`.")
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, folder, no_media, yes, **options):
        if not yes and input(f"Replace the database's contents with {folder}? Type 'yes': ").strip() != "yes":
            raise CommandError("Nothing restored.")
        try:
            manifest = backups.restore(folder=folder, media=not no_media)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {manifest['created_at']}; cached pages forgotten. "
            "Uploads made since then are listed by `manage.py orphan_files --older-than 0`."
        ))
