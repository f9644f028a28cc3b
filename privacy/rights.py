"""The person's rights (개인정보 보호법 art. 35–37): a copy of one's data, and the erasure of one's account.

Export: the person asks on /accounts/data/; a task (privacy.tasks.build_export) gathers every registered
section (privacy.registry: this app's account, consents and access records; members' memberships and
invitations; projects' proposals, contact lines, messages and evaluator profile) into one zip holding
`data.json` and `data.html` (the same data, readable in a browser), and mails a signed link valid for
PRIVACY_EXPORT_LINK_DAYS. Only the person signed in may download it; the daily job `purge-data-exports` then
removes the file.

Erasure: the person (after re-authenticating) or staff on their request (`privacy.delete_person_on_request`)
anonymise the account. The user row stays, so every history that names it (status changes, reviews, decisions,
messages, submissions, consent records) keeps pointing at one consistent, anonymised actor; its address
becomes `deleted-<id>@deleted.invalid`, its names go, it cannot sign in again, and its allauth addresses,
social accounts, authenticators and sessions are removed. Each app's registered eraser clears its own personal
fields first; an app's obstacle (an organisation's last owner) refuses the erasure until it is resolved.
"""

import io
import json
import zipfile

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from portal.files import delete_file_on_commit
from portal.links import absolute_reverse
from portal.models import AccessRecord
from privacy import registry
from privacy.models import ConsentRecord, DataExport, DormancyNotice, DormantAccount, Erasure

LINK_SALT = "privacy.export-link"


def placeholder_email(user_pk, kind="deleted") -> str:
    """A unique address that reaches nobody (.invalid is reserved, RFC 2606)."""
    return f"{kind}-{user_pk}@{kind}.invalid"


# --- export ------------------------------------------------------------------------------------------------


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


@transaction.atomic
def export_request(*, user) -> DataExport:
    """Ask for a copy of `user`'s data: one export in preparation at a time."""
    from privacy import tasks

    get_user_model().objects.select_for_update().get(pk=user.pk)
    if DataExport.objects.filter(user=user, ready_at__isnull=True).exists():
        raise ValidationError(_("Your data is already being prepared: the link will come by mail."), code="pending")
    export = DataExport(user=user)
    export.full_clean()
    export.save()
    tasks.build_export.enqueue(export.pk)
    return export


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
    """Remove exports whose link has expired, files included; returns how many."""
    now = now or timezone.now()
    removed = 0
    with transaction.atomic():
        for export in DataExport.objects.select_for_update().filter(expires_at__lte=now):
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


# --- erasure -------------------------------------------------------------------------------------------------


def _end_sessions(user) -> None:
    # Database sessions keep the user's id inside the encoded data; the unusable password below would end them
    # at their next request anyway (Django checks the session's password hash), this ends them now.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def _mail_erased(*, address, by_staff):
    # The last mail to the address: it confirms what happened (and warns the person if they did not ask).
    with translation.override(settings.LANGUAGE_CODE):
        context = {"by_staff": by_staff, "site_name": settings.PORTAL_SITE_NAME}
        subject = render_to_string("privacy/email/erased_subject.txt", context).strip()
        body = render_to_string("privacy/email/erased_message.txt", context)
    queue_mail(to=address, subject=subject, body=body)


@transaction.atomic
def person_erase(*, user, by=None, reason: str = "", reference: str = "") -> Erasure:
    """Anonymise `user`'s account: by themselves (`by` None) or by staff on their request (`by` the staff
    member, who needs `privacy.delete_person_on_request`, and a reason)."""
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    if by is not None:
        if not by.has_perm("privacy.delete_person_on_request"):
            raise ValidationError(_("You may not erase people's data."), code="not_allowed")
        if not reason.strip():
            raise ValidationError(_("Write down the request: its reason is recorded."), code="reason")
    if Erasure.objects.filter(user=locked).exists():
        raise ValidationError(_("This account was erased already."), code="erased")
    reasons = registry.obstacles(locked)
    if reasons:
        raise ValidationError(reasons, code="obstacle")
    # The apps' own fields first, while the account still has its address (they match contact lines by it).
    dormant = DormantAccount.objects.filter(user=locked).first()
    if dormant is not None:
        locked.email = dormant.email
    for erase in registry.erasers():
        erase(locked)
    for export in DataExport.objects.filter(user=locked):
        delete_file_on_commit(export, "file")
        export.delete()
    DormantAccount.objects.filter(user=locked).delete()
    DormancyNotice.objects.filter(user=locked).delete()
    EmailAddress.objects.filter(user=locked).delete()
    SocialAccount.objects.filter(user=locked).delete()
    Authenticator.objects.filter(user=locked).delete()
    _mail_erased(address=locked.email, by_staff=by is not None)
    locked.email = placeholder_email(locked.pk)
    locked.first_name = locked.last_name = ""
    locked.is_active = locked.is_staff = locked.is_superuser = False
    locked.set_unusable_password()
    locked.full_clean()
    locked.save()
    locked.groups.clear()
    locked.user_permissions.clear()
    _end_sessions(locked)
    record = Erasure(user=locked, by=by, reason=reason.strip(), reference=reference.strip(),
                     source=Erasure.Source.REQUEST if by is not None else Erasure.Source.SELF)
    record.full_clean()
    record.save()
    return record
