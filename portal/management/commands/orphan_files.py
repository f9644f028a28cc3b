"""List, and with --delete remove, stored private files that no row names.

Services delete a file once the change that stops naming it commits; what is left over comes from
elsewhere: a row deleted in the admin or by a cascade, a transaction rolled back by its caller
after the upload was written, a process killed mid-save. The file fields are found through the
app registry, so every app's uploads are covered without this command knowing the apps.
"""

import datetime

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone

PRIVATE_ROOT = "private"


class Command(BaseCommand):
    help = "List stored files under private/ that no row names; --delete removes them."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete the files listed.")
        parser.add_argument(
            "--older-than", type=int, default=60, metavar="MINUTES",
            help="Leave files younger than this alone: their row may still be on its way (default 60).",
        )

    def handle(self, *args, delete, older_than, **options):
        named = names_in_rows()
        cutoff = timezone.now() - datetime.timedelta(minutes=older_than)
        orphans = [
            name for name in stored_names(default_storage, PRIVATE_ROOT)
            if name not in named and default_storage.get_modified_time(name) <= cutoff
        ]
        for name in orphans:
            if delete:
                default_storage.delete(name)
            self.stdout.write(name)
        verb = "Deleted" if delete else "Found"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} stored file(s) that no row names."))


def names_in_rows() -> set[str]:
    """Every file name a row of any installed model stores in a file field of the default storage."""
    named = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.storage is default_storage:
                rows = model._base_manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
                named.update(rows.values_list(field.attname, flat=True).iterator())
    return named


def stored_names(storage, folder):
    """Every file's name under `folder`, walking down (works for local disk and object storage)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}"
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}")
