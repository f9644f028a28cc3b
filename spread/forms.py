from django import forms
from django.utils.translation import gettext_lazy as _

from members import business_numbers
from members.models import Industry, Organization
from projects.models import AIArea
from spread.models import EVIDENCE_UPLOAD, AdoptionSite, Region, StandardModel


class CatalogueFilterForm(forms.Form):
    """The catalogue's GET form: by AI area and by industry, each by its code (short values the page cache keeps)."""

    area = forms.ChoiceField(label=_("AI application area"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas")),
                                       *((a.code, a.name) for a in AIArea.objects.only("code", "name_ko", "name_en"))]
        self.fields["industry"].choices = [
            ("", _("All industries")),
            *((i.code, i.name) for i in Industry.objects.only("code", "name_ko", "name_en", "sort_order")),
        ]


class SiteForm(forms.Form):
    """A company's report of an adoption site, or its change (then the model and the organisation stay)."""

    standard_model = forms.ModelChoiceField(
        label=_("Standard model"), queryset=StandardModel.objects.published().only("name_ko", "name_en"),
    )
    adopter_business_number = forms.CharField(
        label=_("Adopting organisation's business registration number"), required=False, max_length=20,
        help_text=_("For a supplier reporting a customer's site: the adopting member's 사업자등록번호. "
                    "Leave it empty when the site is your own organisation's."),
    )
    site_name = forms.CharField(label=_("Site name"), max_length=200, help_text=_("For example: Gumi plant 2."))
    region = forms.ChoiceField(label=_("Region (시·도)"), choices=[("", "---------"), *Region.choices])
    adopted_on = forms.DateField(
        label=_("Date adopted"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For a planned site: the date it is planned for."),
    )
    use_status = forms.ChoiceField(label=_("Use"), choices=AdoptionSite.UseStatus.choices)
    evidence = forms.FileField(
        label=_("Evidence document"), widget=forms.FileInput(attrs={"accept": EVIDENCE_UPLOAD.accept}),
        help_text=_("PDF, HWP, HWPX, JPEG or PNG, at most 20 MB: for example the delivery contract or an "
                    "inspection record. Only the alliance and the organisations concerned see it."),
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        if site is not None:
            # The model and the adopting organisation are what the site is: a different one is another site.
            del self.fields["standard_model"], self.fields["adopter_business_number"]
            self.fields["evidence"].required = False
            self.fields["evidence"].help_text = _("Leave it empty to keep the document you sent.")

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        EVIDENCE_UPLOAD.validate(evidence)
        return evidence

    def clean_adopter_business_number(self):
        number = business_numbers.normalize(self.cleaned_data.get("adopter_business_number", ""))
        if not number:
            return None
        organization = Organization.objects.approved().filter(business_number=number).first()
        if organization is None:
            raise forms.ValidationError(_("No approved member has this business registration number."))
        return organization
