"""Hostile uploads are refused with a clear message, nothing is stored, and files go out only one way.

Every place a company uploads a document: the proof of tier at registration (PDF, 10 MB),
the proposal file in the proposal form and the annexes (PDF/HWP/HWPX, 20 MB). Each form is
submitted as a browser would (its other fields read from the page), once with a good file
(the control: accepted) and once per hostile file: the page must say why, and neither the
database nor the media folder may change. Every download (those three and the news cover) is
then served by the web server (X-Accel-Redirect) or, on object storage, by a signed redirect, and
answers 404 when its row's file is gone.
"""

import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_sendfile.utils import _get_sendfile

from members import business_numbers
from members.models import Industry
from tests import personas
from tests.portal.test_files import hwpx_bytes
from tests.security.conftest import changed_tables, snapshot
from tests.security.world import PDF_BYTES

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
ZIP_NOT_HWPX = b"PK\x03\x04" + b"\x00" * 200


def pdf_of_size(size):
    return PDF_BYTES + b"%" * (size - len(PDF_BYTES))


def hostile_files(limit_mb):
    """(label, file name, content, what the message must say)."""
    return [
        ("wrong magic number", "certificate.pdf", PNG, "not a valid"),
        ("executable with a double extension", "certificate.pdf.exe", EXE, "not a valid"),
        ("executable named .pdf", "certificate.exe.pdf", EXE, "not a valid"),
        ("zip that is not HWPX", "proposal.hwpx", ZIP_NOT_HWPX, "not a valid"),
        ("a path in the name", "../../certificate.pdf", EXE, "not a valid"),
        ("zero bytes", "empty.pdf", b"", "file is empty"),
        ("one byte over the limit", "big.pdf", pdf_of_size(limit_mb * MB + 1), f"at most {limit_mb} MB"),
    ]


class FormFields(HTMLParser):
    """The values a browser would send for the first upload form on a page (files left out)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.data, self._in_form, self._select, self._textarea, self._done = {}, False, None, None, False
        self.feed(html)

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and (attrs.get("enctype") or "").lower() == "multipart/form-data":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "button", "image", "reset"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            else:
                self._add(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def refused_and_nothing_stored(client, url, data, field, name, content, says, *, follow=False):
    files_before, rows_before = media_files(), snapshot()
    response = client.post(url, {**data, field: SimpleUploadedFile(name, content, "application/pdf")}, follow=follow)
    problems = []
    if response.status_code != 200:
        problems.append(f"{response.status_code}, not the form again")
    page = response.content.decode()
    if says not in page:
        problems.append(f"no message saying {says!r}")
    if media_files() != files_before:
        problems.append(f"files stored: {sorted(set(media_files()) - set(files_before))}")
    changed = changed_tables(rows_before, snapshot())
    if changed:
        problems.append(f"rows changed: {changed}")
    return problems


# --- the targets --------------------------------------------------------------------------------


def registration(world, client_for):
    client = client_for("newcomer", HTTP_ACCEPT_LANGUAGE="en")
    data = {
        "kind": "company", "name": "새한정밀", "business_number": business_numbers.example(424242),
        "representative": "박대표",
        "tier": "sme", "industry": Industry.objects.order_by("pk").first().pk, "address": "부산광역시 강서구 1",
        "employees": 30, "ai_stage": "pilot", "certificate_number": "0002-2026-01",
        "certificate_expires_on": personas.certificate_valid_until().isoformat(), "listed_in_directory": "on",
        **personas.form_once(client, "members:register"),
    }
    return client, reverse("members:register"), data, "tier_proof", 10


def proposal_form(world, client_for):
    client = client_for("owner", HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("my-proposals:edit", args=[world.proposal.pk])
    data = FormFields(client.get(url).content.decode()).data
    assert "title" in data and "participants-TOTAL_FORMS" in data, sorted(data)
    return client, url, data, "document", 20


def annex(world, client_for):
    client = client_for("owner", HTTP_ACCEPT_LANGUAGE="en")
    return client, reverse("my-proposals:annex-add", args=[world.proposal.pk]), {}, "file", 20


def thread_message(world, client_for):
    client = client_for("owner", HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("my-proposals:messages", args=[world.proposal.pk])
    data = FormFields(client.get(url).content.decode()).data
    assert "form_once" in data, sorted(data)
    return client, url, {**data, "body": "자료를 첨부합니다."}, "attachment", 20


TARGETS = {"member registration": registration, "proposal form": proposal_form, "proposal annex": annex,
           "message attachment": thread_message}


@pytest.mark.parametrize("target", TARGETS)
def test_hostile_uploads_are_refused_and_leave_no_trace(target, world, client_for):
    client, url, data, field, limit = TARGETS[target](world, client_for)
    follow = target == "proposal annex"  # the annex form answers with a redirect and a message
    problems = []
    for label, name, content, says in hostile_files(limit):
        if label == "zip that is not HWPX" and target == "member registration":
            continue  # registration takes PDF only: covered by the wrong-magic case
        for problem in refused_and_nothing_stored(client, url, data, field, name, content, says, follow=follow):
            problems.append(f"{target}, {label}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("target", TARGETS)
def test_a_good_file_at_exactly_the_limit_is_accepted(target, world, client_for):
    """The control: the same form takes a real PDF of exactly the limit, stored under a random name."""
    client, url, data, field, limit = TARGETS[target](world, client_for)
    before = media_files()
    response = client.post(url, {**data, field: SimpleUploadedFile("정상.pdf", pdf_of_size(limit * MB))})
    assert response.status_code == 302, response.content.decode()[:2000]
    new = sorted(set(media_files()) - set(before))
    assert len(new) == 1, new
    assert new[0].startswith("private/") and "정상" not in new[0] and new[0].endswith(".pdf")


def test_a_path_in_a_good_files_name_goes_nowhere_but_the_private_folder(world, client_for):
    client = client_for("owner")
    before = media_files()
    response = client.post(
        reverse("my-proposals:annex-add", args=[world.proposal.pk]),
        {"file": SimpleUploadedFile("../../../etc/부록.pdf", PDF_BYTES, "application/pdf")},
    )
    assert response.status_code == 302
    new = sorted(set(media_files()) - set(before))
    assert len(new) == 1 and new[0].startswith("private/proposal-annexes/")
    annex_row = world.proposal.annexes.order_by("-pk").first()
    assert annex_row.original_name == "부록.pdf"
    assert (Path(settings.MEDIA_ROOT) / annex_row.file.name).resolve().is_relative_to(Path(settings.MEDIA_ROOT))


def test_the_refusal_is_in_korean_for_a_korean_visitor(world, client_for):
    client, url, data, field, _limit = registration(world, client_for)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"
    problems = refused_and_nothing_stored(client, url, data, field, "확인서.pdf", PNG, "올바른 PDF 문서가 아닙니다")
    assert not problems, problems


# --- the stored name comes from the content ---------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "stored_as"), [
    ("부록.hwp", PDF_BYTES, ".pdf"),
    ("부록.pdf", hwpx_bytes(), ".hwpx"),
    ("부록", PDF_BYTES, ".pdf"),
])
def test_an_annex_is_stored_with_the_extension_of_its_content(world, client_for, name, content, stored_as):
    client = client_for("owner")
    response = client.post(reverse("my-proposals:annex-add", args=[world.proposal.pk]),
                           {"file": SimpleUploadedFile(name, content, "application/octet-stream")})
    assert response.status_code == 302
    annex_row = world.proposal.annexes.order_by("-pk").first()
    assert annex_row.file.name.endswith(stored_as) and annex_row.original_name == name


def test_a_proposal_document_named_hwp_that_is_a_pdf_is_stored_and_served_as_a_pdf(world, client_for):
    client, url, data, field, _limit = proposal_form(world, client_for)
    response = client.post(url, {**data, field: SimpleUploadedFile("사업계획서.hwp", PDF_BYTES)})
    assert response.status_code == 302
    world.proposal.refresh_from_db()
    assert world.proposal.document.name.endswith(".pdf") and world.proposal.document_name == "사업계획서.hwp"
    download = client.get(reverse("my-proposals:document", args=[world.proposal.pk]))
    assert download["Content-Type"] == "application/pdf"


# --- serving: the web server or a signed address sends the bytes ------------------------------------


def downloads(world):
    """(label, URL, stored file, persona who may read it, Content-Disposition it must carry)."""
    return [
        ("proof of tier", reverse("members:tier-proof", args=[world.org_a.pk]), world.org_a.tier_proof, "owner",
         "attachment; filename*=utf-8''%ED%99%95%EC%9D%B8%EC%84%9C.pdf"),
        ("proposal document", reverse("my-proposals:document", args=[world.proposal.pk]), world.proposal.document,
         "owner", "attachment; filename*=utf-8''%EC%82%AC%EC%97%85%EA%B3%84%ED%9A%8D%EC%84%9C.pdf"),
        ("annex", reverse("my-proposals:annex", args=[world.proposal.pk, world.annex.pk]), world.annex.file,
         "owner", "attachment; filename*=utf-8''%EB%B6%80%EB%A1%9D.pdf"),
        ("message attachment", reverse("my-proposals:message-attachment", args=[world.proposal.pk, world.message.pk]),
         world.message.attachment, "owner",
         "attachment; filename*=utf-8''%EB%8D%B0%EC%9D%B4%ED%84%B0%EA%B3%84%ED%9A%8D.pdf"),
        ("news cover", reverse("news:cover", args=[world.article.slug]), world.article.cover, "anonymous", "inline"),
    ]


@pytest.fixture
def nginx(settings):
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    _get_sendfile.cache_clear()  # django-sendfile2 keeps the backend it loaded first
    yield
    _get_sendfile.cache_clear()


def test_behind_nginx_django_answers_with_an_x_accel_redirect_and_no_body(world, client_for, nginx):
    for label, url, stored, persona, disposition in downloads(world):
        response = client_for(persona).get(url)
        assert response.status_code == 200, label
        assert response["X-Accel-Redirect"] == f"{settings.SENDFILE_URL}/{stored.name}", label
        # No body, and no length of a body Django does not send (nginx counts the file's bytes).
        assert response.content == b"" and response.get("Content-Length", "0") == "0", label
        assert response["Content-Disposition"] == disposition, label
        assert response["X-Content-Type-Options"] == "nosniff", label
        cache = "public, max-age=86400" if label == "news cover" else "private, no-store"
        assert response["Cache-Control"] == cache, label
        assert response["Content-Type"] == ("image/png" if label == "news cover" else "application/pdf"), label


def test_the_internal_address_is_under_the_media_root_the_web_server_serves(world, client_for, nginx):
    response = client_for("owner").get(reverse("my-proposals:annex", args=[world.proposal.pk, world.annex.pk]))
    relative = response["X-Accel-Redirect"].removeprefix(settings.SENDFILE_URL + "/")
    assert (Path(settings.MEDIA_ROOT) / relative).read_bytes() == PDF_BYTES


class SignedURLStorage(FileSystemStorage):
    """Object storage as a view sees it: files have no local path, only signed addresses.

    Nothing leaves the machine: the address is built here the way django-storages passes the
    response headers to S3 (as Response* query parameters next to the signature).
    """

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def exists(self, name):
        return os.path.exists(os.path.join(self.location, name))

    def url(self, name, parameters=None, expire=None, http_method=None):
        query = {**(parameters or {}), "X-Amz-Expires": expire, "X-Amz-Signature": "signature"}
        return f"https://bucket.example/{name}?{urlencode(query)}"


@pytest.fixture
def object_storage(world, settings):
    """The world's files, now seen through a storage without local paths."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.SignedURLStorage", "OPTIONS": {"location": settings.MEDIA_ROOT}},
    }


def test_on_object_storage_a_download_is_a_redirect_to_a_short_lived_signed_address(world, client_for, object_storage):
    for label, url, stored, persona, disposition in downloads(world):
        response = client_for(persona).get(url)
        assert response.status_code == 302, label
        address = urlsplit(response["Location"])
        assert f"{address.scheme}://{address.netloc}{address.path}" == f"https://bucket.example/{stored.name}", label
        query = {key: values[0] for key, values in parse_qs(address.query).items()}
        assert query["X-Amz-Signature"] and query["X-Amz-Expires"] == "60", label
        assert query["ResponseContentDisposition"] == disposition, label
        cache = "public, max-age=86400" if label == "news cover" else "private, no-store"
        assert query["ResponseCacheControl"] == cache, label
        assert query["ResponseContentType"] == ("image/png" if label == "news cover" else "application/pdf"), label
        # The redirect holds a credential that expires: no cache may keep it.
        assert response["Cache-Control"] == "private, no-store", label


@pytest.mark.parametrize("where", ["local disk", "object storage"])
def test_a_row_whose_file_is_gone_answers_404(world, client_for, settings, where):
    for _label, _url, stored, _persona, _disposition in downloads(world):
        (Path(settings.MEDIA_ROOT) / stored.name).unlink()
    if where == "object storage":
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": f"{__name__}.SignedURLStorage", "OPTIONS": {"location": settings.MEDIA_ROOT}},
        }
    for label, url, _stored, persona, _disposition in downloads(world):
        assert client_for(persona).get(url).status_code == 404, label
