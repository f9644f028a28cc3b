"""Private uploads, in one place: what each upload accepts, how it is stored, served and retired.

Every upload (proof of tier, proposal documents, annexes, news covers) follows the same rules:
- an `UploadPolicy` per kind of upload says which kinds of content it takes and how big;
- the kind is read from the file's bytes (Pillow for pictures), never from its name;
- the stored name is `private/<prefix>/<random hex><extension of the sniffed kind>`, outside any
  public URL; the original name, cleaned, is kept in the row for the download;
- files are served by `serve_private_file` once the view has checked who asks: a short-lived signed
  address on object storage, otherwise the front web server sends the bytes (django-sendfile2);
- a file leaves storage once the change that stops naming it commits, and a save that fails takes
  its new file with it;
- what a killed process leaves (a stored file whose row never committed, a half-received upload in
  FILE_UPLOAD_TEMP_DIR) is found and removed by `sweep_orphans`, once it is older than any request.
"""

import contextlib
import dataclasses
import datetime
import hashlib
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django_sendfile import sendfile
from PIL import Image, UnidentifiedImageError

MB = 1024 * 1024
# How long a signed object-storage address stays valid: long enough to start the download.
SIGNED_URL_SECONDS = 60
PRIVATE = "private, no-store"

_PILLOW_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError)


@dataclass(frozen=True)
class Kind:
    label: str
    extension: str
    content_type: str
    pillow_format: str = ""  # set for pictures, which Pillow reads


PDF = Kind("PDF", ".pdf", "application/pdf")
HWP = Kind("HWP", ".hwp", "application/x-hwp")
HWPX = Kind("HWPX", ".hwpx", "application/hwp+zip")
JPEG = Kind("JPEG", ".jpg", "image/jpeg", pillow_format="JPEG")
PNG = Kind("PNG", ".png", "image/png", pillow_format="PNG")
WEBP = Kind("WebP", ".webp", "image/webp", pillow_format="WEBP")
KINDS = (PDF, HWP, HWPX, JPEG, PNG, WEBP)


def sniff_kind(uploaded) -> Kind | None:
    """The kind read from the file's content, or None if it is none we accept."""
    pos = uploaded.tell() if hasattr(uploaded, "tell") else 0
    try:
        uploaded.seek(0)
        head = uploaded.read(8)
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
            return HWPX if mimetype == b"application/hwp+zip" else None
        uploaded.seek(0)
        try:
            with Image.open(uploaded) as image:
                image_format = image.format
        except _PILLOW_ERRORS:
            return None
        return next((k for k in KINDS if k.pillow_format and k.pillow_format == image_format), None)
    finally:
        uploaded.seek(pos)


def kind_of_name(name: str) -> Kind | None:
    """The kind a stored name stands for: its extension was chosen from the content."""
    extension = os.path.splitext(name or "")[1].lower()
    return next((k for k in KINDS if k.extension == extension), None)


def is_new_upload(value) -> bool:
    """Whether `value` is a file on its way in (checked now), not one already stored (checked then)."""
    if isinstance(value, FieldFile):
        return bool(value) and not value._committed
    return bool(value) and hasattr(value, "read")


def clean_original_name(name: str) -> str:
    """The name a user gave, without any path, safe for a Content-Disposition header: letters, digits, spaces (one
    for each run of them; Django's get_valid_filename would make them underscores, and "1차 보고서.pdf" is the name
    a person gave), dots, hyphens, underscores and brackets."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    base = " ".join(_UNSAFE_IN_NAME.sub("", base).split())
    return base[:200] if base.strip(".") else "document"


_UNSAFE_IN_NAME = re.compile(r"[^\w\s.()\[\]-]")


def keep_original_name(instance, field_name: str, name_field: str) -> None:
    """Copy a new upload's cleaned name into `name_field`; a stored file keeps the name it has."""
    value = getattr(instance, field_name)
    if is_new_upload(value):
        setattr(instance, name_field, clean_original_name(value.name))


# --- what each upload accepts, and where it is stored -------------------------------------------


class PrivateUploadTo:
    """upload_to callable: `private/<prefix>/<random hex><ext>`, where ext is the sniffed kind's.

    Private file fields (below) hand it a name whose extension they took from the content; any other
    extension is dropped, so a user's name never decides how the file is stored or served.
    """

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, instance, filename):
        kind = kind_of_name(filename)
        return f"private/{self.prefix}/{uuid.uuid4().hex}{kind.extension if kind else ''}"

    def deconstruct(self):
        return ("portal.files.PrivateUploadTo", [self.prefix], {})


@dataclass(frozen=True)
class UploadPolicy:
    """One kind of upload: the folder it is stored in, the kinds of content it takes, its size limit."""

    prefix: str
    kinds: tuple
    max_bytes: int
    # For pictures: the smallest and largest side in pixels.
    sides: tuple[int, int] | None = None

    @property
    def upload_to(self) -> PrivateUploadTo:
        return PrivateUploadTo(self.prefix)

    @property
    def accept(self) -> str:
        """For the file input's accept attribute: what the browser's picker offers first."""
        return ",".join([k.extension for k in self.kinds] + [k.content_type for k in self.kinds])

    @property
    def is_pictures(self) -> bool:
        return all(k.pillow_format for k in self.kinds)

    def validate(self, value, *, field: str | None = None) -> None:
        """Raise ValidationError unless a new upload is of an accepted kind, non-empty, within the limit.

        Forms call it for their field; services pass `field` to name the model field in the error.
        A file already stored passes: it was checked when it came in, and reading it again from
        object storage on every save would cost a download.
        """
        if field is not None:
            try:
                self.validate(value)
            except ValidationError as error:
                raise ValidationError({field: error.error_list}) from None
            return
        if not is_new_upload(value):
            return
        if value.size == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        if value.size > self.max_bytes:
            raise ValidationError(
                _("The file is too large: at most %(limit)d MB is allowed."),
                code="too_large",
                params={"limit": self.max_bytes // MB},
            )
        kind = sniff_kind(value)
        if kind is None or kind not in self.kinds or (kind.pillow_format and not self._image_is_sound(value)):
            labels = "/".join(k.label for k in self.kinds)
            if self.is_pictures:
                raise ValidationError(
                    _("The file is not a readable %(kinds)s image."), code="bad_type", params={"kinds": labels}
                )
            raise ValidationError(
                _("The file is not a valid %(kinds)s document (its content was checked, not its name)."),
                code="bad_type",
                params={"kinds": labels},
            )
        if self.sides and kind.pillow_format:
            low, high = self.sides
            width, height = self._image_size(value)
            if not (low <= width <= high and low <= height <= high):
                raise ValidationError(
                    _("The image must be between %(min)d and %(max)d pixels on each side."),
                    code="bad_size",
                    params={"min": low, "max": high},
                )

    @staticmethod
    def _image_is_sound(value) -> bool:
        pos = value.tell()
        try:
            value.seek(0)
            with Image.open(value) as image:
                image.verify()
        except _PILLOW_ERRORS:
            return False
        finally:
            value.seek(pos)
        return True

    @staticmethod
    def _image_size(value):
        pos = value.tell()
        try:
            value.seek(0)
            with Image.open(value) as image:
                return image.size
        finally:
            value.seek(pos)


class _NamedByContent:
    """A stored file's extension is the sniffed kind's, whichever way it is saved.

    Model saves and direct `field_file.save(name, content)` calls both pass through here, the one
    point that sees the name and the content together.
    """

    def save(self, name, content, save=True):
        kind = sniff_kind(content)
        super().save(f"upload{kind.extension if kind else ''}", content, save)


class PrivateFieldFile(_NamedByContent, FieldFile):
    pass


class PrivateImageFieldFile(_NamedByContent, ImageFieldFile):
    pass


class PrivateFileField(models.FileField):
    """A FileField whose stored names come from the content (see PrivateUploadTo)."""

    attr_class = PrivateFieldFile

    def deconstruct(self):
        # Only the naming differs, not the column: migrations keep seeing a FileField.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs


class PrivateImageField(models.ImageField):
    """An ImageField whose stored names come from the content."""

    attr_class = PrivateImageFieldFile

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs


# --- serving ----------------------------------------------------------------------------------


def serve_private_file(request, field_file, *, download_name=None, inline=False, cache_control=PRIVATE,
                       record=True):
    """The response for a stored file, once the caller has checked that `request` may have it.

    Each file handed out is written down (portal.audit: who, when, which object's field, from where), unless
    `record=False` says the file is no person's data (a published article's cover).

    On object storage (a storage without local paths) a redirect to a signed address valid for a
    minute; on local disk django-sendfile2's response, which the front web server fills in
    (X-Accel-Redirect) or, in development, Python sends. A row whose file is gone answers 404.
    """
    if not field_file:
        raise Http404
    name, storage = field_file.name, field_file.storage
    kind = kind_of_name(name)
    content_type = kind.content_type if kind else "application/octet-stream"
    filename = None if inline and not download_name else clean_original_name(download_name or "document")
    disposition = content_disposition_header(not inline, filename) or "inline"
    try:
        path = storage.path(name)
    except NotImplementedError:
        if not storage.exists(name):
            raise Http404 from None
        url = storage.url(name, parameters={
            "ResponseContentDisposition": disposition,
            "ResponseContentType": content_type,
            "ResponseCacheControl": cache_control,
        }, expire=SIGNED_URL_SECONDS)
        response = HttpResponseRedirect(url)
        # The address expires within a minute: nobody may keep the redirect.
        response["Cache-Control"] = PRIVATE
    else:
        response = sendfile(request, path, attachment=not inline, attachment_filename=False, mimetype=content_type)
        # Django's own header: RFC 6266 with a UTF-8 name for Korean file names.
        response["Content-Disposition"] = disposition
        response["Cache-Control"] = cache_control
        if response.has_header("X-Accel-Redirect"):
            del response["Content-Length"]  # the web server sends the bytes and counts them
    response["X-Content-Type-Options"] = "nosniff"
    if record:
        # Imported here: the models' modules import this one while the app registry is still loading.
        from portal.audit import record_download

        record_download(request, field_file)
    return response


# --- lifecycle --------------------------------------------------------------------------------


def delete_file_on_commit(instance, field_name: str) -> None:
    """Once the transaction commits, delete the file `instance`'s row names in the database now,
    unless by then some row (of any model) still names it.

    Call it before the save that replaces or clears the file, or before the row is deleted: if the
    change rolls back, the file stays with the row that still names it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("delete_file_on_commit() needs a transaction: the file would go before the change.")
    if instance.pk is None:
        return
    model = type(instance)
    stored = model._base_manager.filter(pk=instance.pk).values_list(field_name, flat=True).first()
    if not stored:
        return
    storage = model._meta.get_field(field_name).storage

    def delete():
        # Demo data and copied rows may share one stored file, and a record of what was sent (a proposal's
        # submitted versions) keeps naming the file its proposal has since replaced.
        if not is_named_in_rows(stored, storage=storage):
            storage.delete(stored)

    # The change has committed by then: a storage that fails to delete is logged, and the file left
    # for `manage.py orphan_files`, rather than failing a request whose work is done.
    transaction.on_commit(delete, robust=True)


@contextlib.contextmanager
def new_files_discarded_on_error(*instances):
    """Delete the files this block stores for `instances` if it raises: the rollback forgets the rows
    that would have named them."""
    pending = [
        (instance, field.attname)
        for instance in instances
        for field in instance._meta.concrete_fields
        if isinstance(field, models.FileField) and is_new_upload(getattr(instance, field.attname))
    ]
    try:
        yield
    except BaseException:
        for instance, attname in pending:
            field_file = getattr(instance, attname)
            if field_file and field_file._committed:
                field_file.storage.delete(field_file.name)
        raise


# --- what a killed process leaves behind ----------------------------------------------------------

PRIVATE_ROOT = "private"
# Older than any request could run (gunicorn kills a worker after 30 s, a statement times out sooner):
# a younger file may belong to a row that is still on its way.
ORPHAN_AGE = datetime.timedelta(hours=1)


@dataclass
class Sweep:
    """What `sweep_orphans` found: stored names no row names, and stale upload temp files (paths)."""

    stored: list[str] = dataclasses.field(default_factory=list)
    temporary: list[str] = dataclasses.field(default_factory=list)
    deleted: bool = False

    def __len__(self):
        return len(self.stored) + len(self.temporary)


def sweep_orphans(*, older_than: datetime.timedelta = ORPHAN_AGE, delete: bool = False) -> Sweep:
    """Find, and with `delete` remove, what no request will ever come back for.

    - stored files under private/ that no row names: a row deleted in the admin or by a cascade, a
      transaction rolled back by its caller after the upload was written, or a worker killed between
      writing the file and committing its row;
    - files in FILE_UPLOAD_TEMP_DIR, where Django streams uploads too big for memory: a request that
      ends closes (and so deletes) its temp file, so one left there belongs to a killed worker (one
      still arriving is written to, so its modification time stays young).

    Only what is older than `older_than` counts. The file fields are found through the app registry,
    so every app's uploads are covered without this module knowing the apps. The background task and
    `manage.py orphan_files` both call this.
    """
    now = timezone.now()
    cutoff = now - older_than
    named = names_in_rows()
    sweep = Sweep(deleted=delete)
    sweep.stored = [
        name for name in stored_names(default_storage, PRIVATE_ROOT)
        if name not in named and default_storage.get_modified_time(name) <= cutoff
    ]
    sweep.temporary = [
        str(path) for path in _temporary_files()
        if datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC) <= cutoff
    ]
    if delete:
        for name in sweep.stored:
            default_storage.delete(name)
        for path in sweep.temporary:
            with contextlib.suppress(FileNotFoundError):  # a worker that closed it meanwhile
                os.unlink(path)
    return sweep


def upload_temp_dir() -> Path | None:
    """The portal's own folder for uploads in transit (FILE_UPLOAD_TEMP_DIR), created if missing."""
    folder = settings.FILE_UPLOAD_TEMP_DIR
    if not folder:
        return None
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _temporary_files():
    # Only the portal's own folder: the system's /tmp holds other programs' files too.
    folder = upload_temp_dir()
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def _file_fields(storage):
    """(model, attname) of every file field of an installed model that stores in `storage`."""
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField) and model_field.storage is storage:
                yield model, model_field.attname


def names_in_rows() -> set[str]:
    """Every file name a row of any installed model stores in a file field of the default storage."""
    named = set()
    for model, attname in _file_fields(default_storage):
        rows = model._base_manager.exclude(**{attname: ""}).exclude(**{f"{attname}__isnull": True})
        named.update(rows.values_list(attname, flat=True).iterator())
    return named


def is_named_in_rows(name: str, *, storage=None) -> bool:
    """Whether a row of any installed model names the stored file `name` (one query per file field)."""
    return any(
        model._base_manager.filter(**{attname: name}).exists()
        for model, attname in _file_fields(storage or default_storage)
    )


def size_and_sha256(field_file) -> tuple[int, str]:
    """A stored file's size in bytes and the SHA-256 of its content (hex), read in chunks."""
    digest, size = hashlib.sha256(), 0
    with field_file.storage.open(field_file.name, "rb") as stored:
        for chunk in iter(lambda: stored.read(MB), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


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
