"""A copy of a person's data (개인정보 보호법 art. 35): gathered from every registered section (privacy.registry)
into one zip of `data.json` and `data.html`, by the task privacy.tasks.build_export, and mailed as a signed link
valid for PRIVACY_EXPORT_LINK_DAYS (privacy.rights.export_request asks for it)."""

import io
import json
import zipfile

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from portal.files import delete_file_on_commit
from portal.links import absolute_reverse
from portal.models import AccessRecord
from privacy import registry
from privacy.models import ConsentRecord, DataExport

LINK_SALT = "privacy.export-link"


# --- the file and its link ---------------------------------------------------------------------------------


def link_days() -> int:
    return settings.PRIVACY_EXPORT_LINK_DAYS


def export_token(export) -> str:
    return signing.dumps({"export": export.pk, "user": export.user_id}, salt=LINK_SALT)


def export_from_token(token, *, user):
    """The ready export the link names, if it is `user`'s; raises signing.SignatureExpired past its days and
    DataExport.DoesNotExist for any other link (someone else's, tampered, removed)."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=link_days() * 86400)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        raise DataExport.DoesNotExist from None
    if data.get("user") != user.pk:
        raise DataExport.DoesNotExist
    return DataExport.objects.get(pk=data.get("export"), user=user, ready_at__isnull=False)


def collect(user) -> dict:
    """Every registered section of `user`'s data, JSON-ready."""
    return {
        "generated_at": timezone.now(),
        "sections": [
            {"key": section.key, "title": str(section.title), "data": section.export(user)}
            for section in registry.sections()
        ],
    }


def render_export(user) -> bytes:
    """The zip: data.json for programs, data.html for people (in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        data = collect(user)
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        html = render_to_string("privacy/export.html", {"data": data, "user": user,
                                                        "site_name": settings.PORTAL_SITE_NAME})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", text)
        archive.writestr("data.html", html)
    return buffer.getvalue()


@transaction.atomic
def export_build(*, export_id) -> DataExport | None:
    """Make the file of a requested export and mail its link; nothing when it is gone or already made."""
    export = DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
    if export is None or export.ready_at is not None:
        return None
    user = export.user
    export.file.save("data.zip", ContentFile(render_export(user)), save=False)
    now = timezone.now()
    export.ready_at = now
    export.expires_at = now + timezone.timedelta(days=link_days())
    export.full_clean()
    export.save()
    with translation.override(settings.LANGUAGE_CODE):
        context = {"url": absolute_reverse("privacy:export-download", token=export_token(export)),
                   "expires_at": export.expires_at, "days": link_days()}
        subject = render_to_string("privacy/email/export_ready_subject.txt", context).strip()
        body = render_to_string("privacy/email/export_ready_message.txt", context)
    queue_mail(to=user.email, subject=subject, body=body)
    return export


def purge_exports(*, now=None) -> int:
    """Remove exports whose link has expired, files included, and requests never made into a file within the link's
    days (a failed task); returns how many."""
    now = now or timezone.now()
    stale = Q(ready_at__isnull=True, requested_at__lte=now - timezone.timedelta(days=link_days()))
    removed = 0
    with transaction.atomic():
        for export in DataExport.objects.select_for_update().filter(Q(expires_at__lte=now) | stale):
            delete_file_on_commit(export, "file")
            export.delete()
            removed += 1
    return removed


# --- this app's own sections ---------------------------------------------------------------------------------


def export_account(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "connected_accounts": [
            {"provider": s.provider, "uid": s.uid, "connected_at": s.date_joined, "last_login": s.last_login}
            for s in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_methods": [
            {"type": a.type, "created_at": a.created_at}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def export_consents(user) -> list:
    return [
        {"document": r.get_kind_display(), "version": r.version.number, "agreed": r.granted, "at": r.at,
         "ip_address": r.ip_address, "where": r.get_source_display()}
        for r in ConsentRecord.objects.filter(user=user).select_related("version").order_by("at", "pk")
    ]


def export_access_records(user) -> list:
    """Who in the alliance opened this person's account in the administration: when and what (the staff member's
    identity is theirs, not the person's, and stays in the record for the privacy officer)."""
    user_type = ContentType.objects.get_for_model(get_user_model())
    return [
        {"at": r.at, "what": r.what, "action": r.get_action_display()}
        for r in AccessRecord.objects.filter(content_type=user_type, object_id=str(user.pk)).order_by("at", "pk")
    ]


def register_own_sections():
    registry.register_section(key="account", title=_("Account"), export=export_account, order=10)
    registry.register_section(key="consents", title=_("Consents"), export=export_consents, order=20)
    registry.register_section(key="access_records", title=_("Views of your account by the alliance's staff"),
                              export=export_access_records, order=90)
