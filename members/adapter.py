from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core import signing
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from members import journey
from privacy import dormancy

KNOWN_BROWSER_SALT = "members.known-browser"
KNOWN_BROWSER_KEEP = 5  # people remembered per browser (a shared office computer)


def known_browser_users(request) -> list[str]:
    """The people who signed in with this browser before: the signed cookie it keeps (members.adapter)."""
    try:
        value = request.get_signed_cookie(settings.PORTAL_KNOWN_BROWSER_COOKIE, default="", salt=KNOWN_BROWSER_SALT,
                                          max_age=settings.PORTAL_KNOWN_BROWSER_MAX_AGE)
    except signing.BadSignature:
        return []
    return [pk for pk in value.split(",") if pk]


class AccountAdapter(DefaultAccountAdapter):
    """allauth's mails (sign-up verification, password reset, security notices) go through the mail queue;
    after signing up, confirming an address or signing in, a person goes to the step that fits them.

    A sign-in from a browser that has not signed this person in before is mailed to them ("new browser"): a
    browser is known by a long-lived signed cookie holding the people it signed in (a new browser, a cleared
    cookie or a private window all count as new). The first sign-in right after signing up is not mailed.
    """

    def post_login(self, request, user, *, signup, **kwargs):
        response = super().post_login(request, user, signup=signup, **kwargs)
        known = known_browser_users(request)
        if str(user.pk) not in known and not signup:
            self.send_notification_mail("account/email/new_browser", user)
        # Each sign-in puts the person first and renews the cookie's lifetime.
        known = [str(user.pk), *(pk for pk in known if pk != str(user.pk))][:KNOWN_BROWSER_KEEP]
        response.set_signed_cookie(
            settings.PORTAL_KNOWN_BROWSER_COOKIE, ",".join(known), salt=KNOWN_BROWSER_SALT,
            max_age=settings.PORTAL_KNOWN_BROWSER_MAX_AGE, httponly=True, samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response

    def get_reauthentication_methods(self, user):
        """Someone with a second factor confirms with it (a passkey, an authenticator code or a recovery code), not
        with the password alone: a stolen password must not be enough for the steps that ask again."""
        methods = super().get_reauthentication_methods(user)
        second_factor = [method for method in methods if method["id"].startswith("mfa_")]
        # A passkey first where there is one (a touch), the app's code or a recovery code as the alternative.
        second_factor.sort(key=lambda method: not method["id"].endswith(":webauthn"))
        return second_factor or methods

    def get_login_redirect_url(self, request):
        return journey.next_url(request)

    def get_signup_redirect_url(self, request):
        return journey.next_url(request)

    def get_email_verification_redirect_url(self, email_address):
        if self.request.user.is_authenticated:
            return journey.next_url(self.request)
        # Confirmed in another browser than the one that signed up: sign in there (then the step follows).
        return super().get_email_verification_redirect_url(email_address)

    def clean_email(self, email):
        # A dormant account's address is kept apart (privacy.dormancy), not free: taking it would leave the account
        # nothing to come back to.
        email = super().clean_email(email)
        if dormancy.is_dormant_address(email):
            raise forms.ValidationError(_("This address belongs to a dormant account: restore it instead (on the "
                                          "sign-in page, “restore a dormant account”)."))
        return email

    def send_mail(self, template_prefix, email, context):
        # The context allauth's own send_mail gives its templates, then its rendering; only the sending differs.
        # allauth sets its context for the request; a mail sent from a commit callback may come after it: the
        # adapter keeps the request it was made for.
        request = allauth_context.request or self.request
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": get_current_site(request), **context,
        })
        html = next((content for content, kind in getattr(message, "alternatives", ()) if kind == "text/html"), None)
        if message.content_subtype == "html":  # a mail with an HTML template only
            html, body = message.body, ""
        else:
            body = message.body
        queue_mail(to=message.to, subject=message.subject, body=body, html=html)
