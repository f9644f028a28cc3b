"""Who may do what, where the answer does not depend on any one app's models.

Apps ask these helpers instead of writing the rule again; the rule lives here once.
"""

from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import PermissionDenied


def staff_has_mfa(user) -> bool:
    """An active staff account that has an authenticator: the admin's own entry condition."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and is_mfa_enabled(user))


def staff_may_read_private_files(user, perm: str) -> bool:
    """Staff may open private files (proofs, proposal documents, draft covers) outside the admin only as the
    admin would let them: signed in with MFA and holding the view permission `perm` ("app.view_model")."""
    return staff_has_mfa(user) and user.has_perm(perm)


class Refused(PermissionDenied):
    """A 403 whose message is meant for the person refused: it names the role they would need.

    The 403 page shows the message of this exception only; other refusals keep the page's general text."""
