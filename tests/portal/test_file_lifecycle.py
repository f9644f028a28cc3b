"""A stored file lives as long as a row names it: replaced or deleted files go once the change commits,
a save that fails leaves no file behind, and the orphan sweep (`portal.files.sweep_orphans`, run by
`manage.py orphan_files`) removes whatever a killed process left: stored files and upload temp files."""

import datetime
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from members import services as member_services
from members.models import Organization
from news.models import Article
from news.services import article_save
from portal.files import new_files_discarded_on_error, sweep_orphans
from projects import services as project_services
from projects.models import Annex
from tests.portal.test_files import PDF_BYTES, picture
from tests.security.world import build_world, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def exists(name):
    return (Path(settings.MEDIA_ROOT) / name).is_file()


# --- replaced and deleted files ---------------------------------------------------------------------


def test_a_deleted_annex_takes_its_file_once_the_deletion_commits(world, django_capture_on_commit_callbacks):
    name = world.annex.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project_services.annex_delete(annex=world.annex, by=world.owner)
    assert exists(name)  # not before the commit: a rollback would leave a row without its file
    for callback in callbacks:
        callback()
    assert not exists(name)


def test_a_deletion_that_rolls_back_keeps_the_file(world, django_capture_on_commit_callbacks):
    pk, name = world.annex.pk, world.annex.file.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        project_services.annex_delete(annex=world.annex, by=world.owner)
        raise RuntimeError("the caller changes its mind")
    assert Annex.objects.filter(pk=pk).exists() and exists(name)


def test_a_replaced_proposal_document_goes_once_the_save_commits(world, django_capture_on_commit_callbacks):
    from tests.security.test_uploads import FormFields

    old = world.proposal.document.name
    client = _client(world.owner)
    url = reverse("my-proposals:edit", args=[world.proposal.pk])
    data = FormFields(client.get(url).content.decode()).data
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "document": SimpleUploadedFile("새 계획서.pdf", PDF_BYTES)})
    assert response.status_code == 302
    world.proposal.refresh_from_db()
    assert world.proposal.document_name == "새 계획서.pdf" and exists(world.proposal.document.name)
    assert not exists(old)


def test_a_replaced_or_removed_cover_goes_once_the_save_commits(world, django_capture_on_commit_callbacks):
    article = world.article
    first = article.cover.name
    article.cover = SimpleUploadedFile("new.png", png_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        article_save(article=article)
    second = article.cover.name
    assert exists(second) and not exists(first)
    article.cover = None
    with django_capture_on_commit_callbacks(execute=True):
        article_save(article=article)
    assert not exists(second)


def test_a_cover_changed_in_the_admin_goes_too(world, django_capture_on_commit_callbacks):
    article = world.article
    old = article.cover.name
    client = _client(world.superuser)
    url = reverse("admin:news_article_change", args=[article.pk])
    data = {
        "title": article.title, "slug": article.slug, "category": article.category, "summary": article.summary,
        "body": article.body, "cover_alt": "", "source_name": "", "source_url": "", "status": article.status,
        "published_at_0": article.published_at.strftime("%Y-%m-%d"), "published_at_1": "09:00:00",
        "cover": SimpleUploadedFile("새 표지.jpg", picture("PNG")),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.cover.name.endswith(".png") and exists(article.cover.name)
    assert not exists(old)


def test_a_file_another_row_still_names_is_kept(world, django_capture_on_commit_callbacks):
    # Demo data gives many rows one stored file.
    shared = world.annex.file.name
    twin = Annex.objects.create(proposal=world.proposal, file=shared, original_name="쌍둥이.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        project_services.annex_delete(annex=twin, by=world.owner)
    assert exists(shared)


# --- a save that fails leaves no file -------------------------------------------------------------


def test_a_registration_that_fails_validation_stores_nothing(world):
    before = media_files()
    organization = Organization(
        kind=Organization.Kind.COMPANY, name="새한정밀", tier=Organization.Tier.SME,
        tier_proof=SimpleUploadedFile("확인서.pdf", PDF_BYTES),  # but no certificate number
    )
    with pytest.raises(ValidationError):
        member_services.organization_register(organization=organization, by=world.newcomer)
    assert media_files() == before


def test_a_save_that_raises_after_its_file_was_stored_takes_the_file_with_it(world):
    before = media_files()
    annex = Annex(proposal=world.proposal, file=SimpleUploadedFile("부록.pdf", PDF_BYTES), original_name="부록.pdf")
    with pytest.raises(RuntimeError), transaction.atomic(), new_files_discarded_on_error(annex):
        annex.save()
        assert media_files() != before  # written...
        raise RuntimeError("the next step fails")
    assert media_files() == before  # ...and gone with the rollback


def test_a_refused_cover_stores_nothing(world):
    before = media_files()
    article = Article(title="표지 없는 글", summary="요약", cover=SimpleUploadedFile("a.png", b"not a picture"))
    with pytest.raises(ValidationError):
        article_save(article=article)
    assert media_files() == before


# --- manage.py orphan_files -------------------------------------------------------------------------


def orphan(name="private/proposals/0123456789abcdef0123456789abcdef.pdf", *, age_minutes=120):
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF_BYTES)
    then = (datetime.datetime.now() - datetime.timedelta(minutes=age_minutes)).timestamp()
    os.utime(path, (then, then))
    return name


def left_in_transit(name, *, minutes):
    """A temp file as Django's upload handler leaves it in FILE_UPLOAD_TEMP_DIR, `minutes` old."""
    path = Path(settings.FILE_UPLOAD_TEMP_DIR) / name
    path.write_bytes(b"x" * 1024)
    return aged(path, minutes)


def aged(path, minutes):
    then = (datetime.datetime.now() - datetime.timedelta(minutes=minutes)).timestamp()
    os.utime(path, (then, then))
    return path


def orphan_files(*args):
    out = StringIO()
    call_command("orphan_files", *args, stdout=out)
    return out.getvalue()


def test_orphan_files_lists_what_no_row_names_and_nothing_a_row_names(world):
    left = orphan()
    output = orphan_files()
    assert output.splitlines()[0] == left and "Found 1 " in output
    for named in (world.org_a.tier_proof, world.proposal.document, world.annex.file, world.article.cover):
        assert named.name not in output
    assert exists(left)  # listing deletes nothing


def test_orphan_files_delete_removes_them_and_leaves_the_rest(world):
    left = orphan("private/news-covers/ffffffffffffffffffffffffffffffff.png")
    before = media_files()
    output = orphan_files("--delete")
    assert "Deleted 1 " in output
    assert media_files() == before - {left}


def test_orphan_files_leaves_a_file_whose_row_may_be_on_its_way(world):
    fresh = orphan(age_minutes=1)
    assert "Deleted 0 " in orphan_files("--delete")
    assert exists(fresh)
    assert "Deleted 1 " in orphan_files("--delete", "--older-than", "0")


def test_orphan_files_looks_only_under_private(world):
    outside = Path(settings.MEDIA_ROOT) / "public" / "logo.png"
    outside.parent.mkdir(parents=True)
    outside.write_bytes(b"x")
    assert "Found 0 " in orphan_files("--older-than", "0")


def test_orphan_files_removes_stale_upload_temp_files_too(world):
    stale = left_in_transit("tmpabc123.upload.pdf", minutes=120)
    output = orphan_files("--delete")
    assert str(stale) in output and "and 1 stale upload temp file(s)" in output
    assert not stale.exists()


# --- the sweep, as the background task calls it -------------------------------------------------------


ROOT = Path(__file__).resolve().parents[2]


def temp_files():
    return sorted(p.name for p in Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir())


def test_uploads_in_transit_go_to_the_portal_s_own_folder_not_tmp():
    from portal import settings as portal_settings

    assert Path(portal_settings.FILE_UPLOAD_TEMP_DIR) == ROOT / "var" / "upload-tmp"


def test_the_sweep_returns_what_it_found_and_deletes_only_when_told(world):
    left = orphan()
    stale = left_in_transit("tmp1.upload.pdf", minutes=120)
    found = sweep_orphans()
    assert (found.stored, found.temporary, found.deleted) == ([left], [str(stale)], False)
    assert exists(left) and stale.exists()
    swept = sweep_orphans(delete=True)
    assert len(swept) == 2 and not exists(left) and not stale.exists()


def test_the_sweep_leaves_an_upload_still_arriving(world):
    arriving = left_in_transit("tmp2.upload.pdf", minutes=0)  # written to a moment ago: its request is alive
    assert sweep_orphans(delete=True).temporary == []
    assert arriving.exists()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(**extra):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DJANGO_FILE_UPLOAD_TEMP_DIR": str(settings.FILE_UPLOAD_TEMP_DIR), **extra}


def test_a_worker_killed_mid_upload_leaves_a_temp_file_that_the_sweep_removes(world):
    """A real gunicorn receives half of a 20 MB upload and is killed with SIGKILL: nothing closes its temp
    file, so it stays in the portal's folder (not /tmp) until the sweep removes it."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        upload = _connect(port)
        boundary = "portalboundary"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"tier_proof\"; filename=\"big.pdf\"\r\n"
                "Content-Type: application/pdf\r\n\r\n").encode()
        upload.sendall(
            b"POST /members/register/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            # A CSRF cookie, so that the CSRF check reads the body (without one it refuses before).
            b"Cookie: csrftoken=" + b"a" * 32 + b"\r\n"
            + f"Content-Type: multipart/form-data; boundary={boundary}\r\n".encode()
            + f"Content-Length: {20 * 1024 * 1024}\r\n\r\n".encode() + head + PDF_BYTES
        )
        for _ in range(40):  # 10 MB of the 20 promised
            upload.sendall(b"\0" * (256 * 1024))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(
            p.stat().st_size > 4 * 1024 * 1024 for p in Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()
        ):
            time.sleep(0.05)
        assert temp_files(), "the upload never reached the temp folder"
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
    left = temp_files()
    assert len(left) == 1 and left[0].endswith(".upload.pdf")
    live = media_files()
    assert sweep_orphans(delete=True).temporary == []  # a minute old at most: maybe still arriving
    aged(Path(settings.FILE_UPLOAD_TEMP_DIR) / left[0], 61)
    assert len(sweep_orphans(delete=True).temporary) == 1
    assert temp_files() == [] and media_files() == live


def _connect(port):
    deadline = time.monotonic() + 20
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the killed process shares the test database")
def test_a_process_killed_before_its_row_commits_leaves_a_file_that_the_sweep_removes(world):
    """The service writes the cover, inserts the row, and the process dies before COMMIT: PostgreSQL
    forgets the row, the disk keeps the file; the sweep removes it and every file a row names stays."""
    script = textwrap.dedent("""
        import os, signal, django
        django.setup()
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import transaction
        from news.models import Article
        from news.services import article_save
        from tests.security.world import png_bytes
        with transaction.atomic():
            article_save(article=Article(title="끝나지 않은 글", slug="unfinished", summary="요약",
                                         cover=SimpleUploadedFile("c.png", png_bytes())))
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    live = media_files()
    died = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_environment(DATABASE_URL=url), timeout=60)
    assert died.returncode == -signal.SIGKILL
    (left,) = media_files() - live
    assert left.startswith("private/news-covers/") and not Article.objects.filter(slug="unfinished").exists()
    aged(Path(settings.MEDIA_ROOT) / left, 61)
    assert sweep_orphans(delete=True).stored == [left]
    assert media_files() == live


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
