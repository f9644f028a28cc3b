import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.files import HWP, HWPX, MB, PDF, clean_original_name, sniff_kind, validate_document

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def hwpx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.writestr("Contents/section0.xml", "<hs:sec/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF_BYTES, PDF),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, HWP),
        (hwpx_bytes(), HWPX),
        (b"PK\x03\x04not really a zip", None),
        (b"<html><script>alert(1)</script>", None),
        (b"\x89PNG\r\n\x1a\n", None),
    ],
)
def test_kind_is_read_from_the_content(content, kind):
    assert sniff_kind(SimpleUploadedFile("whatever.pdf", content)) == kind


def test_a_renamed_file_is_refused():
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 windows executable")
    with pytest.raises(ValidationError) as error:
        validate_document(upload)
    assert error.value.code == "bad_type"


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("empty.pdf", b""))
    assert error.value.code == "empty"
    limit = 1 * MB
    validate_document(SimpleUploadedFile("edge.pdf", PDF_BYTES.ljust(limit, b" ")), max_bytes=limit)
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("big.pdf", PDF_BYTES.ljust(limit + 1, b" ")), max_bytes=limit)
    assert error.value.code == "too_large"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\kim\\확인서.pdf", "확인서.pdf"),
        ("report.pdf.exe", "report.pdf.exe"),
        ("..", "document"),
        ('a"b;c.pdf', "abc.pdf"),
    ],
)
def test_original_names_lose_their_paths(given, kept):
    assert clean_original_name(given) == kept
