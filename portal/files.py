"""Private uploads: checked by content, stored under random names, served only by views.

Member proof documents and proposal files use these helpers, so every upload
follows one set of rules:
- the type is read from the file's first bytes, never from its name;
- the stored name is random and sits outside any public URL;
- the original name is kept (cleaned) for the download's Content-Disposition.
"""

import os
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024

PDF = "pdf"
HWP = "hwp"
HWPX = "hwpx"

KIND_LABELS = {PDF: "PDF", HWP: "HWP", HWPX: "HWPX"}


def sniff_kind(uploaded) -> str | None:
    """The document kind read from the file's content, or None if it is none we accept."""
    pos = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(8)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2 compound file: HWP 5.x
            return HWP
        if head.startswith(b"PK\x03\x04"):
            uploaded.seek(0)
            try:
                with zipfile.ZipFile(uploaded) as archive:
                    mimetype = archive.read("mimetype").strip()
            except (zipfile.BadZipFile, KeyError, OSError):
                return None
            if mimetype == b"application/hwp+zip":
                return HWPX
        return None
    finally:
        uploaded.seek(pos)


def validate_document(uploaded, *, kinds=(PDF,), max_bytes=10 * MB):
    """Raise ValidationError unless `uploaded` is a non-empty document of `kinds` within `max_bytes`."""
    size = uploaded.size
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(limit)d MB is allowed."),
            code="too_large",
            params={"limit": max_bytes // MB},
        )
    if sniff_kind(uploaded) not in kinds:
        raise ValidationError(
            _("The file is not a valid %(kinds)s document (its content was checked, not its name)."),
            code="bad_type",
            params={"kinds": "/".join(KIND_LABELS[k] for k in kinds)},
        )


def clean_original_name(name: str) -> str:
    """The name a user gave, without any path, safe for a Content-Disposition header."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    return get_valid_filename(base)[:200] if base and base not in {".", ".."} else "document"


class PrivateUploadTo:
    """upload_to callable: `<prefix>/<random hex><ext>`; the ext comes from the sniffed kind."""

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, instance, filename):
        ext = os.path.splitext(filename)[1].lower()
        if ext not in {".pdf", ".hwp", ".hwpx"}:
            ext = ""
        return f"private/{self.prefix}/{uuid.uuid4().hex}{ext}"

    def deconstruct(self):
        return ("portal.files.PrivateUploadTo", [self.prefix], {})


def private_file_response(field_file, download_name):
    """Stream a stored file as an attachment under its original name."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=clean_original_name(download_name or "document")
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
