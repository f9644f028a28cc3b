from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django import forms
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from members import journey
from privacy import dormancy


class AccountAdapter(DefaultAccountAdapter):
    """allauth's mails (sign-up verification, password reset, security notices) go through the mail queue;
    after signing up, confirming an address or signing in, a person goes to the step that fits them."""

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
        request = allauth_context.request
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": get_current_site(request), **context,
        })
        html = next((content for content, kind in getattr(message, "alternatives", ()) if kind == "text/html"), None)
        if message.content_subtype == "html":  # a mail with an HTML template only
            html, body = message.body, ""
        else:
            body = message.body
        queue_mail(to=message.to, subject=message.subject, body=body, html=html)
