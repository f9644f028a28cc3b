"""Dormant accounts (휴면계정): an account nobody signed in to for PRIVACY_DORMANT_AFTER_DAYS is separated.

What we chose, as Korean practice for dormant accounts does (분리보관): the account's personal fields (address,
names, password hash, allauth addresses) move to privacy.DormantAccount, a table only this module reads; the user
row keeps its id (so memberships and history stay whole) with a placeholder address, no name, no usable password,
and inactive. The person is mailed PRIVACY_DORMANT_NOTICE_DAYS before, once per period of inactivity
(DormancyNotice); an account is separated only once its notice has been out that long, so a missed day never
separates anyone without warning. Staff accounts are not separated: the ministry manages them.

Coming back: on /accounts/dormant/ the person gives their address; if a dormant account has it, a signed link
valid for a day is mailed there (the page says the same whether or not one has, so it tells nobody which
addresses are dormant). Following the link and confirming moves the fields back: the link proved the address.

The daily job `dormant-accounts` (privacy.tasks) runs both stages: the notices, then the separations.
"""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from portal.links import absolute_reverse
from privacy.accounts import end_sessions, placeholder_email
from privacy.models import DormancyNotice, DormantAccount, Erasure

RESTORE_SALT = "privacy.dormant-restore"
RESTORE_LINK_SECONDS = 24 * 3600


def after() -> datetime.timedelta:
    return datetime.timedelta(days=settings.PRIVACY_DORMANT_AFTER_DAYS)


def notice_ahead() -> datetime.timedelta:
    return datetime.timedelta(days=settings.PRIVACY_DORMANT_NOTICE_DAYS)


def candidates():
    """Active, non-staff accounts not yet separated or erased, with `inactive_since` (last sign-in, or sign-up)."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .exclude(Exists(DormantAccount.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(Erasure.objects.filter(user=OuterRef("pk"))))
        .annotate(inactive_since=Coalesce(F("last_login"), F("date_joined")))
    )


def notices_send(*, now=None) -> int:
    """Mail everyone whose separation comes within the notice period, once per period; returns how many."""
    now = now or timezone.now()
    sent = DormancyNotice.objects.filter(user=OuterRef("pk"), inactive_since=OuterRef("inactive_since"))
    due = list(
        candidates().filter(inactive_since__lte=now - (after() - notice_ahead()))
        .exclude(Exists(sent)).order_by("pk").values_list("pk", "email", "inactive_since")
    )
    count = 0
    for pk, email, since in due:
        with transaction.atomic():
            # The unique (user, inactive_since) makes a rerun, or a second run at once, mail nobody twice.
            _notice, created = DormancyNotice.objects.get_or_create(user_id=pk, inactive_since=since,
                                                                    defaults={"sent_at": now})
            if not created:
                continue
            separated_on = max(since + after(), now + notice_ahead())
            with translation.override(settings.LANGUAGE_CODE):
                context = {"separated_on": timezone.localdate(separated_on),
                           "days": settings.PRIVACY_DORMANT_AFTER_DAYS, "login_url": absolute_reverse("account_login")}
                subject = render_to_string("privacy/email/dormant_notice_subject.txt", context).strip()
                body = render_to_string("privacy/email/dormant_notice_message.txt", context)
            queue_mail(to=email, subject=subject, body=body)
            count += 1
    return count


def separations_run(*, now=None) -> int:
    """Separate every account inactive for the period whose notice has been out for the notice period."""
    now = now or timezone.now()
    noticed = DormancyNotice.objects.filter(user=OuterRef("pk"), inactive_since=OuterRef("inactive_since"),
                                            sent_at__lte=now - notice_ahead())
    due = list(candidates().filter(inactive_since__lte=now - after()).filter(Exists(noticed))
               .order_by("pk").values_list("pk", flat=True))
    return sum(1 for pk in due if account_separate(user_id=pk, now=now))


@transaction.atomic
def account_separate(*, user_id, now=None) -> bool:
    """Move one account's personal fields to DormantAccount; False if it no longer qualifies (re-checked locked)."""
    now = now or timezone.now()
    user = get_user_model().objects.select_for_update().get(pk=user_id)
    if not candidates().filter(pk=user.pk, inactive_since__lte=now - after()).exists():
        return False
    dormant = DormantAccount(
        user=user, separated_at=now, email=user.email, first_name=user.first_name, last_name=user.last_name,
        password=user.password,
        email_addresses=[{"email": a.email, "verified": a.verified, "primary": a.primary}
                         for a in EmailAddress.objects.filter(user=user).order_by("pk")],
    )
    dormant.full_clean(exclude=["user"])
    dormant.save()
    EmailAddress.objects.filter(user=user).delete()
    user.email = placeholder_email(user.pk, "dormant")
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.full_clean()
    user.save()
    end_sessions(user)
    return True


# --- coming back ---------------------------------------------------------------------------------------------


def is_dormant_address(email) -> bool:
    """Whether a dormant account holds `email` (sign-up and adding an address refuse it: members.adapter)."""
    return DormantAccount.objects.filter(email__iexact=email.strip()).exists()


def restore_token(dormant) -> str:
    # The payload names the separation, so a link stops working once the account is restored.
    return signing.dumps({"user": dormant.user_id, "at": dormant.separated_at.isoformat()}, salt=RESTORE_SALT)


def dormant_from_token(token) -> DormantAccount:
    try:
        data = signing.loads(token, salt=RESTORE_SALT, max_age=RESTORE_LINK_SECONDS)
    except signing.BadSignature:  # SignatureExpired included
        raise DormantAccount.DoesNotExist from None
    dormant = DormantAccount.objects.get(user_id=data.get("user"))
    if dormant.separated_at.isoformat() != data.get("at"):
        raise DormantAccount.DoesNotExist
    return dormant


@transaction.atomic
def restore_request(*, email) -> bool:
    """Mail a restoring link to `email` if a dormant account has it; True if one was queued (the page does not
    say)."""
    dormant = DormantAccount.objects.filter(email__iexact=email.strip()).first()
    if dormant is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {"url": absolute_reverse("privacy:dormant-restore", token=restore_token(dormant))}
        subject = render_to_string("privacy/email/dormant_restore_subject.txt", context).strip()
        body = render_to_string("privacy/email/dormant_restore_message.txt", context)
    queue_mail(to=dormant.email, subject=subject, body=body)
    return True


@transaction.atomic
def account_restore(*, dormant, now=None):
    """Move the fields back: the account signs in again as before, and its inactivity counts from now."""
    now = now or timezone.now()
    dormant = DormantAccount.objects.select_for_update().get(pk=dormant.pk)
    user = get_user_model().objects.select_for_update().get(pk=dormant.user_id)
    if get_user_model().objects.filter(email__iexact=dormant.email).exclude(pk=user.pk).exists():
        raise ValidationError(_("Another account now uses this address: write to the alliance to restore yours."),
                              code="taken")
    user.email, user.first_name, user.last_name = dormant.email, dormant.first_name, dormant.last_name
    user.password = dormant.password
    user.is_active = True
    user.last_login = now
    user.full_clean()
    user.save()
    addresses = dormant.email_addresses or [{"email": dormant.email, "verified": True, "primary": True}]
    EmailAddress.objects.bulk_create([
        EmailAddress(user=user, email=a["email"], primary=a["primary"],
                     # the link that brought the person back proved this address
                     verified=a["verified"] or a["email"].lower() == dormant.email.lower())
        for a in addresses
    ])
    dormant.delete()
    return user

