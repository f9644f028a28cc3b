"""Access records: who read a person's data, when, what, from where (portal.models.AccessRecord).

Two places write them, each once per request that hands the data out: `serve_private_file` (every
private document a view sends, whichever app it belongs to) and the admin's change pages of people
(`RecordedAdminViewMixin`). One INSERT each; the content type comes from Django's cache.
"""

from allauth.account.adapter import get_adapter
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.models import AccessRecord


def client_address(request) -> str | None:
    """The visitor's address as allauth's rate limits count it (ALLAUTH_TRUSTED_PROXY_COUNT), or None."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def record_access(request, *, obj, what: str, action: str) -> AccessRecord:
    user = request.user if request.user.is_authenticated else None
    return AccessRecord.objects.create(
        at=timezone.now(),
        by=user,
        by_email=getattr(user, "email", "") or "",
        ip_address=client_address(request),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        what=what[:200],
        path=request.get_full_path()[:500],
    )


def record_download(request, field_file) -> AccessRecord:
    """A private file handed out: the row it belongs to, and the field it is in."""
    return record_access(request, obj=field_file.instance, what=field_file.field.name,
                         action=AccessRecord.Action.DOWNLOAD)
