"""Back up the database and the uploads into one dated folder (portal.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = "Write pg_dump -Fc of the database and an archive of DJANGO_MEDIA_ROOT into a new dated folder."

    def add_arguments(self, parser):
        parser.add_argument("--into", type=Path, default=None,
                            help="Folder that receives the dated backup folder (default DJANGO_BACKUP_DIR).")

    def handle(self, *args, into, **options):
        try:
            folder = backups.backup(into=into or backups.default_folder())
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(folder))
