"""The upload stack's rules, one at a time: kinds read from the bytes, policies, names."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.files import (
    HWP,
    HWPX,
    JPEG,
    MB,
    PDF,
    PNG,
    WEBP,
    PrivateUploadTo,
    UploadPolicy,
    clean_original_name,
    is_new_upload,
    sniff_kind,
)

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCUMENTS = UploadPolicy(prefix="test-documents", kinds=(PDF, HWP, HWPX), max_bytes=10 * MB)
PICTURES = UploadPolicy(prefix="test-pictures", kinds=(JPEG, PNG, WEBP), max_bytes=1 * MB, sides=(200, 6000))


def hwpx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.writestr("Contents/section0.xml", "<hs:sec/>")
    return buffer.getvalue()


def picture(fmt="PNG", size=(400, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF_BYTES, PDF),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, HWP),
        (hwpx_bytes(), HWPX),
        (picture("JPEG"), JPEG),
        (picture("PNG"), PNG),
        (picture("WEBP"), WEBP),
        (picture("GIF"), None),
        (b"PK\x03\x04not really a zip", None),
        (b"<html><script>alert(1)</script>", None),
        (b"\x89PNG\r\n\x1a\n", None),  # a PNG signature alone is no picture
    ],
)
def test_kind_is_read_from_the_content(content, kind):
    assert sniff_kind(SimpleUploadedFile("whatever.pdf", content)) == kind


def test_sniffing_leaves_the_file_where_it_was():
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
    upload.seek(5)
    sniff_kind(upload)
    assert upload.tell() == 5


def test_a_renamed_file_is_refused():
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 windows executable")
    with pytest.raises(ValidationError) as error:
        DOCUMENTS.validate(upload)
    assert error.value.code == "bad_type"


def test_a_kind_the_policy_does_not_take_is_refused():
    with pytest.raises(ValidationError) as error:
        UploadPolicy(prefix="proofs", kinds=(PDF,), max_bytes=MB).validate(SimpleUploadedFile("a.pdf", hwpx_bytes()))
    assert error.value.code == "bad_type"
    assert "PDF" in error.value.messages[0] and "HWPX" not in error.value.messages[0]


def test_empty_and_oversized_files_are_refused():
    limit = 1 * MB
    policy = UploadPolicy(prefix="test", kinds=(PDF,), max_bytes=limit)
    with pytest.raises(ValidationError) as error:
        policy.validate(SimpleUploadedFile("empty.pdf", b""))
    assert error.value.code == "empty"
    policy.validate(SimpleUploadedFile("edge.pdf", PDF_BYTES.ljust(limit, b" ")))
    with pytest.raises(ValidationError) as error:
        policy.validate(SimpleUploadedFile("big.pdf", PDF_BYTES.ljust(limit + 1, b" ")))
    assert error.value.code == "too_large"


def test_pictures_are_opened_by_pillow_and_held_to_their_sides():
    PICTURES.validate(SimpleUploadedFile("a.webp", picture("WEBP")))
    with pytest.raises(ValidationError) as error:
        PICTURES.validate(SimpleUploadedFile("tiny.png", picture(size=(20, 20))))
    assert error.value.code == "bad_size"
    truncated = picture()[:200]
    with pytest.raises(ValidationError) as error:
        PICTURES.validate(SimpleUploadedFile("cut.png", truncated))
    assert error.value.code == "bad_type"


def test_a_service_gets_the_error_under_the_model_field():
    with pytest.raises(ValidationError) as error:
        DOCUMENTS.validate(SimpleUploadedFile("a.pdf", b"MZ"), field="document")
    assert list(error.value.message_dict) == ["document"]


def test_only_new_uploads_are_checked():
    assert is_new_upload(SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert not is_new_upload(None) and not is_new_upload(False) and not is_new_upload("")
    DOCUMENTS.validate(None)  # nothing uploaded: nothing to refuse


def test_the_accept_attribute_lists_the_policys_kinds():
    assert UploadPolicy(prefix="p", kinds=(PDF,), max_bytes=MB).accept == ".pdf,application/pdf"


@pytest.mark.parametrize(("given", "stored"), [("upload.pdf", ".pdf"), ("upload.png", ".png"), ("x.exe", "")])
def test_stored_names_are_random_and_private_with_a_known_extension_only(given, stored):
    name = PrivateUploadTo("proposals")(None, given)
    folder, _, base = name.rpartition("/")
    assert folder == "private/proposals"
    assert len(base.removesuffix(stored)) == 32 and base.endswith(stored) and "." not in base.removesuffix(stored)


def test_the_upload_to_keeps_the_path_its_migrations_name():
    assert PrivateUploadTo("tier-proofs").deconstruct() == ("portal.files.PrivateUploadTo", ["tier-proofs"], {})


@pytest.mark.django_db
def test_a_file_saved_directly_is_named_by_its_content_too(settings):
    from news.models import Article

    article = Article(title="t")
    article.cover.save("cover.jpg", ContentFile(picture("PNG")), save=False)
    assert article.cover.name.startswith("private/news-covers/") and article.cover.name.endswith(".png")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\kim\\확인서.pdf", "확인서.pdf"),
        ("report.pdf.exe", "report.pdf.exe"),
        ("..", "document"),
        ('a"b;c.pdf', "abc.pdf"),
        ("1차 보고서 (최종).pdf", "1차 보고서 (최종).pdf"),  # a person's name for the file, spaces and all
        ("  납품\t\n확인서 .pdf", "납품 확인서 .pdf"),
        ("...", "document"),
    ],
)
def test_original_names_lose_their_paths(given, kept):
    assert clean_original_name(given) == kept


def test_the_web_server_sends_private_files_when_the_environment_says_nginx():
    from tests.portal.test_settings_env import load_settings

    expr = "(s.SENDFILE_BACKEND, str(s.SENDFILE_ROOT) == str(s.MEDIA_ROOT))"
    result = load_settings({"DJANGO_DEBUG": "1", "DJANGO_SENDFILE_BACKEND": "nginx"}, expr)
    assert result.returncode == 0, result.stderr
    assert eval(result.stdout) == ("django_sendfile.backends.nginx", True)
    assert "backends.simple" in load_settings({"DJANGO_DEBUG": "1"}, "s.SENDFILE_BACKEND").stdout


def test_an_unknown_sendfile_backend_stops_start_up():
    from tests.portal.test_settings_env import load_settings

    result = load_settings({"DJANGO_DEBUG": "1", "DJANGO_SENDFILE_BACKEND": "apache"}, "s.SENDFILE_BACKEND")
    assert result.returncode != 0
    assert "DJANGO_SENDFILE_BACKEND must be one of nginx, simple" in result.stderr
