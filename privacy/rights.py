"""The person's rights (개인정보 보호법 art. 35–37): a copy of one's data, and the erasure of one's account.

Export (privacy.exports): the person asks on /accounts/data/; a task (privacy.tasks.build_export) gathers every
registered section (privacy.registry: this app's account, consents and access records; members' memberships and
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

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from portal.files import delete_file_on_commit
from privacy import registry, tasks
from privacy.accounts import end_sessions, placeholder_email
from privacy.models import DataExport, DormancyNotice, DormantAccount, Erasure

# --- export ------------------------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, user) -> DataExport:
    """Ask for a copy of `user`'s data: one export in preparation at a time."""
    get_user_model().objects.select_for_update().get(pk=user.pk)
    # A request the task never finished (a failed run) stops blocking after a day.
    pending = DataExport.objects.filter(user=user, ready_at__isnull=True,
                                        requested_at__gt=timezone.now() - datetime.timedelta(days=1))
    if pending.exists():
        raise ValidationError(_("Your data is already being prepared: the link will come by mail."), code="pending")
    export = DataExport(user=user)
    export.full_clean()
    export.save()
    tasks.build_export.enqueue(export.pk)
    return export


# --- erasure -------------------------------------------------------------------------------------------------


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
    end_sessions(locked)
    record = Erasure(user=locked, by=by, reason=reason.strip(), reference=reference.strip(),
                     source=Erasure.Source.REQUEST if by is not None else Erasure.Source.SELF)
    record.full_clean()
    record.save()
    return record
