"""Backups and the restore drill: back up, change, restore, and the rows and the public pages agree with the
backup again (no cached page lists what the restore took away).

The drill runs on a throwaway PostgreSQL database (portal_drill_<random>), created and dropped here; the
page cache is the suite's, which like Redis in production lives outside the database and survives the
restore."""

import datetime
import json
import secrets
import tarfile
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from members.models import Organization
from news.models import Article, Status
from news.services import article_save
from portal import backups, pagecache
from tests import personas

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL")


def published(title):
    return article_save(article=Article(title=title, summary="요약", body="본문", status=Status.PUBLISHED,
                                        published_at=timezone.now() - datetime.timedelta(hours=1)))


def pages():
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    return client.get("/news/").text + client.get("/members/").text


@pytest.fixture
def drill_database():
    """The default connection pointed at a fresh, migrated database for the length of the test."""
    test_db = connection.settings_dict["NAME"]
    drill = f"portal_drill_{secrets.token_hex(4)}"
    server = {k: v for k, v in {"host": connection.settings_dict["HOST"], "port": connection.settings_dict["PORT"],
                                 "user": connection.settings_dict["USER"],
                                 "password": connection.settings_dict["PASSWORD"]}.items() if v}

    def admin(sql):
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as c:
            c.execute(sql)

    admin(f'CREATE DATABASE "{drill}"')
    connection.close()
    connection.settings_dict["NAME"] = drill
    try:
        call_command("migrate", verbosity=0)
        yield drill
    finally:
        connection.close()
        connection.settings_dict["NAME"] = test_db
        admin(f'DROP DATABASE IF EXISTS "{drill}" WITH (FORCE)')


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_restore_drill(drill_database, tmp_path):
    owner = personas.user("owner@before.example")
    personas.organization("백업전정밀", owner=owner)
    published("백업 전 소식")
    cover = Path(settings.MEDIA_ROOT) / "private" / "news-covers" / "kept.png"
    cover.parent.mkdir(parents=True)
    cover.write_bytes(b"uploaded before the backup")
    assert "백업 전 소식" in pages()  # and now in the cache

    folder = backups.backup(into=tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["sha256"]) == {"database.pgdump", "media.tar.gz"} and manifest["database"] == drill_database

    # The day goes on: a company is approved, an article replaced, a file lost.
    personas.organization("백업후정밀", owner=personas.user("owner@after.example"))
    Article.objects.get(title="백업 전 소식").delete()
    published("백업 후 소식")
    cover.unlink()
    after = pages()
    assert "백업후정밀" in after and "백업 후 소식" in after and "백업 전 소식" not in after

    out = StringIO()
    call_command("restore", str(folder), "--yes", stdout=out)
    assert "Restored the backup" in out.getvalue()

    assert set(Organization.objects.values_list("name", flat=True)) == {"백업전정밀"}
    assert list(Article.objects.values_list("title", flat=True)) == ["백업 전 소식"]
    assert cover.read_bytes() == b"uploaded before the backup"
    restored = pages()
    assert "백업전정밀" in restored and "백업 전 소식" in restored
    assert "백업후정밀" not in restored and "백업 후 소식" not in restored


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_replaced(drill_database, tmp_path):
    published("그대로")
    folder = backups.backup(into=tmp_path)
    with open(folder / "database.pgdump", "r+b") as dump:
        dump.seek(100)
        dump.write(b"\0\0\0\0")
    Article.objects.all().delete()
    with pytest.raises(backups.BackupError, match="checksum"):
        backups.restore(folder=folder)
    assert not Article.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_media_archive_holds_the_uploads_folder(drill_database, tmp_path):
    upload = Path(settings.MEDIA_ROOT) / "private" / "tier-proofs" / "a.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.7")
    with tarfile.open(backups.backup(into=tmp_path) / "media.tar.gz") as archive:
        assert "./private/tier-proofs/a.pdf" in archive.getnames()


def test_after_restore_makes_every_cached_page_stale(db):
    before = pagecache.version()
    call_command("after_restore", stdout=StringIO())
    assert pagecache.version() != before


@pytest.mark.skipif(connection.vendor == "postgresql", reason="about the SQLite default")
def test_backups_refuse_sqlite_with_a_reason(db, tmp_path):
    with pytest.raises(backups.BackupError, match="PostgreSQL"):
        backups.backup(into=tmp_path)
