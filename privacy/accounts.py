"""What the account's own safety needs when its personal fields leave it (privacy.rights, privacy.dormancy)."""

from django.contrib.sessions.models import Session
from django.utils import timezone


def placeholder_email(user_pk, kind="deleted") -> str:
    """A unique address that reaches nobody (.invalid is reserved, RFC 2606)."""
    return f"{kind}-{user_pk}@{kind}.invalid"


def end_sessions(user) -> None:
    """Sign `user` out everywhere now. Database sessions keep the user's id inside the encoded data; the unusable
    password the callers set would end them at their next request anyway (Django checks the session's password
    hash)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
