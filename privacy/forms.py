"""The consent boxes: on the sign-up form, and on the page that asks again. Never ticked beforehand."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from privacy import consents
from privacy.models import REQUIRED_KINDS, ConsentRecord, Kind

LABELS = {
    Kind.TERMS: _("[Required] I agree to the terms of use."),
    Kind.COLLECTION: _("[Required] I agree to the collection and use of my personal information as set out above."),
    Kind.MAILING: _("[Optional] Send me mail about alliance news and events."),
}
REFUSED = {
    Kind.TERMS: _("Agree to the terms of use to sign up."),
    Kind.COLLECTION: _("Agree to the collection and use of personal information to sign up: the portal cannot "
                       "give you an account without it."),
}


def field_name(kind) -> str:
    return f"consent_{kind}"


class ConsentFieldsMixin:
    """Adds one checkbox per consent kind asked, each with the version in force it stands for."""

    consent_kinds = ()

    def add_consent_fields(self, kinds):
        self.consent_versions = consents.current_versions(kinds)
        self.consent_kinds = [kind for kind in kinds if kind in self.consent_versions]
        for kind in self.consent_kinds:
            required = kind in REQUIRED_KINDS
            self.fields[field_name(kind)] = forms.BooleanField(
                label=LABELS[Kind(kind)], required=required, initial=False,
                error_messages={"required": REFUSED.get(Kind(kind), "")},
            )

    def _items(self, required):
        return [(self[field_name(kind)], self.consent_versions[kind], required)
                for kind in self.consent_kinds if (kind in REQUIRED_KINDS) == required]

    @property
    def required_consents(self):
        """(bound field, version, True) of each required consent asked, for the template."""
        return self._items(True)

    @property
    def optional_consents(self):
        return self._items(False)

    @property
    def consent_field_names(self):
        return [field_name(kind) for kind in self.consent_kinds]

    def consent_answers(self) -> dict:
        return {kind: self.cleaned_data[field_name(kind)] for kind in self.consent_kinds}


class SignupForm(ConsentFieldsMixin, AllauthSignupForm):
    """allauth's sign-up form with the consents: the terms and the collection notice (required), then the
    mailing (optional). Each answer is recorded with the version it was given to."""

    template_name_div = "privacy/includes/signup_fields.html"

    def as_div(self):
        # Through the site's template engine, which finds templates/ (Django's form renderer reads only the
        # apps' folders and its own).
        return render_to_string(self.template_name_div, self.get_context())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_consent_fields([Kind.TERMS, Kind.COLLECTION, Kind.MAILING])

    def custom_signup(self, request, user):
        super().custom_signup(request, user)
        from portal.audit import client_address

        consents.record_consents(user=user, answers=self.consent_answers(), source=ConsentRecord.Source.SIGNUP,
                                 ip_address=client_address(request), versions=self.consent_versions)


class RenewalForm(ConsentFieldsMixin, forms.Form):
    """The versions a signed-in person owes an answer to."""

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_consent_fields(kinds)


class MailingChoiceForm(forms.Form):
    """The optional consent, on the account page: the person's current answer is shown as it stands."""

    mailing = forms.BooleanField(label=LABELS[Kind.MAILING], required=False)


# --- the person's rights ---------------------------------------------------------------------------------------


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account is erased for good and cannot be restored."), required=True,
        error_messages={"required": _("Tick the box to confirm that you want your account erased.")},
    )


class ErasureRequestForm(forms.Form):
    """Staff erasing a person's data on their request: what the request was, for the record."""

    reason = forms.CharField(label=_("Request"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("How and when the person asked, and how their identity was checked."))
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("The request's number or letter, as filed."))


class DormantRestoreForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the dormant account"))
