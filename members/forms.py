from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members import business_numbers, certificate_dates, changes, corporate_numbers
from members.models import CORPORATE_NUMBER_TAKEN, TIER_PROOF_UPLOAD, Industry, Membership, Organization
from portal.db import search
from portal.forms_money import KRWField


class CertificateDateMixin:
    """A validity date typed now must be plausible (members.certificate_dates); a stored date is left alone
    until it changes, so a row whose certificate has lapsed can still be corrected."""

    def clean_certificate_expires_on(self):
        value = self.cleaned_data.get("certificate_expires_on")
        if "certificate_expires_on" in self.changed_data:
            certificate_dates.validate_valid_until(value)
        return value


class OrganizationForm(CertificateDateMixin, forms.ModelForm):
    """Registration and the applicant's later edits: every rule of the model, with friendly messages."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    # Up to 12 characters typed (with dashes); the model stores the 10 digits.
    business_number = forms.CharField(
        label=_("Business registration number"), max_length=12, help_text=_("10 digits, with or without dashes."),
        widget=forms.TextInput(attrs={"placeholder": "123-45-67890", "inputmode": "numeric"}),
    )
    # --- issue 14: identifiers and money as people type them -----------------------------------------
    corporate_number = forms.CharField(
        label=_("Corporate registration number (법인등록번호)"), max_length=20, required=False,
        help_text=_("Corporations only: 13 digits, e.g. 110111-0062432. Optional."),
        widget=forms.TextInput(attrs={"placeholder": "110111-0062432", "inputmode": "numeric"}),
    )
    annual_revenue = KRWField(
        label=capfirst(Organization._meta.get_field("annual_revenue").verbose_name), required=False,
        help_text=_("Last fiscal year, in won. Optional. Figures or Korean units, e.g. 1,200억, 35억 5,000만 or "
                    "3,500,000,000."),
    )

    class Meta:
        model = Organization
        fields = [
            "kind", "name", "name_en", "business_number", "corporate_number", "representative", "tier",
            "institution_type", "industry", "address", "website", "contact_name", "contact_phone", "description",
            "employees", "annual_revenue", "ai_stage", "tier_proof", "certificate_number", "certificate_expires_on",
            "listed_in_directory",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "certificate_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            # A plain file input: the stored name is random and private, so the page shows the
            # original name with a permission-checked link instead of the widget's "currently" link.
            "tier_proof": forms.FileInput(attrs={"accept": TIER_PROOF_UPLOAD.accept}),
        }
        help_texts = {
            "kind": _("Public enterprises (공기업: 공사, 공단 and the like) are their own kind: for-profit under "
                      "the R&D cost rules, with neither a size tier nor an institution type."),
            "tier": _("Companies only."),
            "institution_type": _("Institutions only."),
            "certificate_expires_on": certificate_dates.HELP_TEXT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].required = True
        self.fields["employees"].min_value = 0
        if self.instance.pk:
            self.initial["business_number"] = self.instance.business_number_display
            self.initial["corporate_number"] = self.instance.corporate_number_display

    def clean_business_number(self):
        value = business_numbers.normalize(self.cleaned_data["business_number"])
        # The model's validator says the same; checking here gives the message before anything else.
        business_numbers.validate(value)
        return value

    def clean_corporate_number(self):
        value = corporate_numbers.normalize(self.cleaned_data["corporate_number"])
        if not value:
            return ""
        corporate_numbers.validate(value)
        # The partial unique constraint would say it too, but for the whole form: here it stands by the field.
        if Organization.objects.filter(corporate_number=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(CORPORATE_NUMBER_TAKEN, code="corporate_number_taken")
        return value

    def clean_tier_proof(self):
        upload = self.cleaned_data.get("tier_proof")
        TIER_PROOF_UPLOAD.validate(upload)
        return upload



# --- changes after approval and certificate renewal (members.changes) -----------------------------------


class OrganizationChangeForm(OrganizationForm):
    """The details of an approved organisation: 통보성 fields apply at once, 승인성 fields become a change
    request (with a reason). While a request waits, the 승인성 fields are shown but cannot be changed."""

    reason = forms.CharField(
        label=_("Reason for the change"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you change a detail that the secretariat approves; they read it."),
    )

    class Meta(OrganizationForm.Meta):
        fields = [*changes.APPROVAL_FIELDS, *changes.NOTIFY_FIELDS]

    def __init__(self, *args, open_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_request = open_request
        if open_request is not None:
            for name in changes.APPROVAL_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
            self.fields["reason"].disabled = True

    def approval_fields(self):
        return [self[name] for name in changes.APPROVAL_FIELDS if name in self.fields]

    def notify_fields(self):
        return [self[name] for name in changes.NOTIFY_FIELDS if name in self.fields]

    def changed_approval_fields(self):
        return [name for name in changes.APPROVAL_FIELDS if name in self.changed_data]

    def clean(self):
        cleaned = super().clean()
        if self.changed_approval_fields() and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why these details change: the secretariat reads it."))
        return cleaned

    def values(self) -> dict:
        """The submitted values of the organisation's fields, for the service."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class CertificateRenewalForm(forms.Form):
    """A renewed proof of tier: the file, its number, its last valid day, and the tier it proves."""

    file = forms.FileField(
        label=_("Certificate (PDF)"), widget=forms.FileInput(attrs={"accept": TIER_PROOF_UPLOAD.accept}),
        help_text=_("중소기업확인서 or 중견기업확인서: PDF, at most 10 MB."),
    )
    number = forms.CharField(label=_("Certificate number"), max_length=50)
    valid_until = forms.DateField(
        label=_("Valid until"), help_text=certificate_dates.HELP_TEXT,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tier = forms.ChoiceField(label=_("Size tier it proves"), choices=Organization.Tier.choices)
    reason = forms.CharField(
        label=_("Reason for the change of tier"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when the certificate proves another size tier: the change then waits for the "
                    "secretariat's approval."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["tier"].initial = organization.tier

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        TIER_PROOF_UPLOAD.validate(upload)
        return upload

    def clean_valid_until(self):
        value = self.cleaned_data.get("valid_until")
        certificate_dates.validate_valid_until(value)
        return value

    @property
    def changes_tier(self) -> bool:
        return bool(self.cleaned_data.get("tier")) and self.cleaned_data["tier"] != self.organization.tier

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tier") and self.changes_tier and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the size tier changes: the secretariat reads it."))
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Membership.Role.MEMBER, Membership.Role.MEMBER.label),
                 (Membership.Role.MANAGER, Membership.Role.MANAGER.label)],
        initial=Membership.Role.MEMBER,
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + Organization.Kind.choices)
    tier = forms.ChoiceField(
        label=_("Size tier"), required=False, choices=[("", _("All"))] + Organization.Tier.choices
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), required=False, queryset=Industry.objects.all(), empty_label=_("All"),
        to_field_name="code",
    )

    def narrows(self):
        """Whether a valid filter or search leaves out some listed members."""
        return self.is_valid() and any(self.cleaned_data.values())

    def matches(self, queryset, *, limit):
        """(rows, count): the `queryset` rows the filters and the search leave, and their count when the search
        found it (up to `limit` + 1, meaning more: portal.db.search.matches), else None."""
        queryset = self.filter(queryset)
        if not (self.is_valid() and self.cleaned_data["q"]):
            return queryset, None
        return search.matches(queryset, ["name", "name_en"], self.cleaned_data["q"], limit=limit)

    def filter(self, queryset):
        """The `queryset` rows the filters leave (the search aside: `matches`)."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["tier"]:
            queryset = queryset.filter(tier=data["tier"])
        if data["industry"]:
            queryset = queryset.filter(industry=data["industry"])
        return queryset

