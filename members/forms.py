from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members import business_numbers
from members.models import TIER_PROOF_UPLOAD, Industry, Membership, Organization


class OrganizationForm(forms.ModelForm):
    """Registration and the applicant's later edits: every rule of the model, with friendly messages."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    # Up to 12 characters typed (with dashes); the model stores the 10 digits.
    business_number = forms.CharField(
        label=_("Business registration number"), max_length=12, help_text=_("10 digits, with or without dashes."),
        widget=forms.TextInput(attrs={"placeholder": "123-45-67890", "inputmode": "numeric"}),
    )

    class Meta:
        model = Organization
        fields = [
            "kind", "name", "name_en", "business_number", "representative", "tier", "institution_type",
            "industry", "address", "website", "employees", "annual_revenue", "ai_stage",
            "tier_proof", "certificate_number", "certificate_expires_on", "listed_in_directory",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "certificate_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            # A plain file input: the stored name is random and private, so the page shows the
            # original name with a permission-checked link instead of the widget's "currently" link.
            "tier_proof": forms.FileInput(attrs={"accept": TIER_PROOF_UPLOAD.accept}),
        }
        help_texts = {
            "tier": _("Companies only."),
            "institution_type": _("Institutions only."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].required = True
        self.fields["employees"].min_value = 0
        if self.instance.pk:
            self.initial["business_number"] = self.instance.business_number_display

    def clean_business_number(self):
        value = business_numbers.normalize(self.cleaned_data["business_number"])
        # The model's validator says the same; checking here gives the message before anything else.
        business_numbers.validate(value)
        return value

    def clean_tier_proof(self):
        upload = self.cleaned_data.get("tier_proof")
        TIER_PROOF_UPLOAD.validate(upload)
        return upload


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

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(Q(name__icontains=data["q"]) | Q(name_en__icontains=data["q"]))
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["tier"]:
            queryset = queryset.filter(tier=data["tier"])
        if data["industry"]:
            queryset = queryset.filter(industry=data["industry"])
        return queryset

