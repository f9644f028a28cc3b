"""A stored file lives as long as a row names it: replaced or deleted files go once the change commits,
a save that fails leaves no file behind, and `manage.py orphan_files` sweeps up whatever else is left."""

import datetime
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from members import services as member_services
from members.models import Organization
from news.models import Article
from news.services import article_save
from portal.files import new_files_discarded_on_error
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
    assert world.proposal.document_name == "새_계획서.pdf" and exists(world.proposal.document.name)
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


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
