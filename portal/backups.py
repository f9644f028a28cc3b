"""Backups and restores: the database (`pg_dump -Fc`) and the uploads folder, in one dated folder.

A backup is a folder `portal-<YYYYmmdd-HHMMSS>/` holding `database.pgdump` (PostgreSQL's custom
format, which pg_restore reads selectively and in parallel), `media.tar.gz` (DJANGO_MEDIA_ROOT; left
out on object storage, whose bucket versioning keeps every upload) and `manifest.json` (when, what,
SHA-256 of each file). A restore replaces the database's tables with the dump's, puts the uploads
back, then makes every cache forget: the shared cache (Redis) lives outside the database, so without
that it would keep serving pages that list rows the restore took away.
"""

import datetime
import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections

from portal import pagecache

DUMP = "database.pgdump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _database():
    db = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL); a SQLite file is copied while the site is stopped.")
    environment = {**os.environ, "PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or ""),
                   "PGUSER": db["USER"] or "", "PGDATABASE": db["NAME"]}
    if db["PASSWORD"]:
        environment["PGPASSWORD"] = db["PASSWORD"]  # in the environment, never on a command line others can see
    return db["NAME"], environment


def _run(command, environment):
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_on_disk() -> Path | None:
    return None if settings.AWS_STORAGE_BUCKET_NAME else Path(settings.MEDIA_ROOT)


def backup(*, into: Path) -> Path:
    """Write a new backup folder under `into` and return it.

    Safe while the site runs: pg_dump reads one consistent snapshot, and the uploads are archived after
    it, so a file uploaded meanwhile is at worst archived without its row (the orphan sweep removes it
    after a restore). A file replaced or deleted between the two steps is missing from the archive
    while the dump's row still names it (its download answers 404): run backups at a quiet hour."""
    name, environment = _database()
    now = datetime.datetime.now(datetime.UTC)
    folder = Path(into) / f"portal-{now:%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, mode=0o700)
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / DUMP), name], environment)
    media = _media_on_disk()
    if media is not None:
        with tarfile.open(folder / MEDIA, "w:gz") as archive:
            if media.exists():
                archive.add(media, arcname=".")
    files = [f for f in (DUMP, MEDIA) if (folder / f).exists()]
    (folder / MANIFEST).write_text(json.dumps({
        "created_at": now.isoformat(), "database": name,
        "media": "archive" if media is not None else "object storage: restore the bucket's versions from that time",
        "sha256": {f: _sha256(folder / f) for f in files},
    }, indent=2))
    return folder


def verify(folder: Path) -> dict:
    """The backup's manifest, once every file in it matches its checksum."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    for name, digest in manifest["sha256"].items():
        if _sha256(folder / name) != digest:
            raise BackupError(f"{folder / name} does not match its checksum: the copy is damaged.")
    return manifest


def restore(*, folder: Path, media: bool = True) -> dict:
    """Put the database (and the uploads) back as they were in `folder`, then make the caches forget.

    Stop the web servers and task workers first: a restore replaces tables under their feet."""
    manifest = verify(folder)
    folder = Path(folder)
    name, environment = _database()
    connections.close_all()  # our own connections would hold the tables pg_restore drops
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
          "--dbname", name, str(folder / DUMP)], environment)
    target = _media_on_disk()
    if media and target is not None and (folder / MEDIA).exists():
        restore_media(folder / MEDIA, target)
    after_restore()
    return manifest


def restore_media(archive: Path, target: Path) -> None:
    """Extract the uploads into `target`. Files uploaded since the backup stay (nothing is destroyed on
    a restore, in case it was the wrong one): no restored row names them, so the orphan sweep lists them."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(target, filter="data")  # no absolute paths, no links out of the folder


def after_restore() -> None:
    """Make every cache of public data forget: pages and figures are keyed by the data version."""
    pagecache.invalidate()


def default_folder() -> Path:
    return Path(settings.PORTAL_BACKUP_DIR)

