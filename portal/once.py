"""One-time form tokens: a create form sent twice (a double click, a resent POST) makes one object.

The form carries a hidden token (`{% form_once "purpose" %}` in its template): a random nonce, signed
for the signed-in user and the form's purpose, valid for MAX_AGE. The view spends it around the service
call that creates:

    with once.spend(request, "my:invite") as spent:
        invitation = services.invitation_create(...)
        spent.leads_to(reverse(...))

Spending inserts the nonce, in a unique column, in the same transaction as the object. Of two POSTs of
one form only the first can commit: the second waits for it on the unique index, then fails to insert,
reads where the first one's object is, and raises `AlreadyDone` with that address. If the first one
fails instead (a validation error), its rollback takes the nonce with it and the form may be sent again.
Nothing is written when the form is shown, so GET stays free of writes.
"""

import contextlib
import datetime
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import SpentFormToken

FIELD = "form_once"
# Long enough to fill in a proposal; an older form is refused with a fresh token, its data kept.
MAX_AGE = datetime.timedelta(days=1)


class Expired(Exception):
    """The form's token is missing, forged, for someone else or too old: show the form again."""

    message = _("This form was open too long or is incomplete. Check it and send it again.")


class AlreadyDone(Exception):
    """This form was sent before and made its object: send the visitor there."""

    message = _("This form had already been sent: here is what it made.")

    def __init__(self, url):
        super().__init__(url)
        self.url = url


def issue(*, user, purpose: str) -> str:
    """A fresh token for `user`'s form of `purpose`."""
    return _signer(user, purpose).sign(secrets.token_hex(16))


def _signer(user, purpose):
    return signing.TimestampSigner(salt=f"portal.once:{purpose}:{user.pk}")


class Spent:
    def __init__(self, row):
        self._row = row

    def leads_to(self, url: str) -> None:
        """Where a second POST of the same form is sent: the object this one made."""
        SpentFormToken.objects.filter(pk=self._row.pk).update(result_url=url)


def _nonce(request, purpose):
    try:
        return _signer(request.user, purpose).unsign(request.POST.get(FIELD, ""), max_age=MAX_AGE)
    except signing.BadSignature:
        raise Expired from None


def check(request, purpose: str) -> None:
    """Raise AlreadyDone if `request`'s form has been spent by a POST that committed.

    For a form refused by a rule another row decides (a business number already registered): that
    row may be the one the first POST of this very form made while this one was being checked."""
    with contextlib.suppress(Expired):
        spent = SpentFormToken.objects.filter(nonce=_nonce(request, purpose))
        url = spent.values_list("result_url", flat=True).first()
        if url is not None:
            raise AlreadyDone(url)


@contextlib.contextmanager
def spend(request, purpose: str):
    """Spend the token of `request`'s form in a transaction that holds the block's work; see above."""
    nonce = _nonce(request, purpose)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = SpentFormToken.objects.create(nonce=nonce, purpose=purpose, spent_at=timezone.now())
        except IntegrityError:
            # The other POST has committed (the insert waited for it): its row is visible now.
            url = SpentFormToken.objects.filter(nonce=nonce).values_list("result_url", flat=True).first()
            raise AlreadyDone(url or "") from None
        yield Spent(row)
        # A token older than MAX_AGE can no longer be presented: its row has nothing left to stop.
        transaction.on_commit(forget_expired, robust=True)


def forget_expired() -> int:
    return SpentFormToken.objects.filter(spent_at__lt=timezone.now() - MAX_AGE).delete()[0]
