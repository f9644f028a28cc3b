"""allauth's own strings whose Korean we correct in our catalog.

allauth 65's Korean catalog has typos ("올비르지 않은"), wrong sentences (the recovery-code count speaks of
accounts) and wording that is not ours ("아이디 저장" for staying signed in; the portal has no user names).
Our catalog (LOCALE_PATHS) is read before the apps' catalogs, so an entry there wins. The msgids are
marked here, never called, so that `makemessages` keeps them in our catalog.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

CORRECTED = (
    gettext_noop("Remember Me"),
    gettext_noop("Invalid or expired key."),
    gettext_noop("Bad Token"),
    gettext_noop("Backup key"),
    gettext_noop("Email Address"),
    gettext_noop("Email Addresses"),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("Enter your password:"),
    gettext_noop(
        "Your account is protected by two-factor authentication. Please enter an authenticator code:"
    ),
    gettext_noop("Are you sure?"),
    gettext_noop("You are about to deactivate authenticator app based authentication. Are you sure?"),
    gettext_noop("Authenticator secret"),
    gettext_noop("You can store this secret and use it to reinstall your authenticator app at a later time."),
    gettext_noop("Started At"),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset for your user "
        "account.\nIt can be safely ignored if you did not request a password reset. Click the link below to "
        "reset your password."
    ),
    ngettext_lazy("You have added %(count)s security key.", "You have added %(count)s security keys.", "count"),
    ngettext_lazy(
        "There is %(unused_count)s out of %(total_count)s recovery codes available.",
        "There are %(unused_count)s out of %(total_count)s recovery codes available.",
        "unused_count",
    ),
)
