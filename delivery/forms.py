from django import forms
from django.utils.translation import gettext_lazy as _

from delivery.models import REPORT_DOCUMENT_UPLOAD, Project, validate_iris_number
from portal.forms_money import KRWField
from projects.models import Proposal


class ReportForm(forms.Form):
    """The lead's report: the narrative, a document and the achieved value of every KPI (`kpi_<pk>` fields)."""

    narrative = forms.CharField(
        label=_("Progress narrative"), max_length=20000, required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What the consortium did in the period, what it reached and what comes next."),
    )
    document = forms.FileField(
        label=_("Report document"), required=False, help_text=_("PDF, HWP or HWPX, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": REPORT_DOCUMENT_UPLOAD.accept}),
    )

    def __init__(self, *args, kpis, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        for kpi in self.kpis:
            unit = f" ({kpi.unit})" if kpi.unit else ""
            self.fields[f"kpi_{kpi.pk}"] = forms.DecimalField(
                label=f"{kpi.indicator}{unit}", max_digits=16, decimal_places=2, required=False,
                help_text=_("Baseline %(baseline)s, target %(target)s.") % {
                    "baseline": f"{kpi.baseline.normalize():f}", "target": f"{kpi.target.normalize():f}"},
            )

    def kpi_fields(self):
        return [self[f"kpi_{kpi.pk}"] for kpi in self.kpis]

    def clean_document(self):
        uploaded = self.cleaned_data.get("document")
        if uploaded:
            REPORT_DOCUMENT_UPLOAD.validate(uploaded)
        return uploaded

    def values(self):
        return {kpi.pk: self.cleaned_data.get(f"kpi_{kpi.pk}") for kpi in self.kpis}


class ContributionForm(forms.Form):
    text = forms.CharField(
        label=_("Your organisation's part"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What your organisation did in the period; the lead reads it with the report."),
    )


class ProjectCreateForm(forms.ModelForm):
    """The admin's form to make a project: a selected proposal that is not a project yet, and the agreement."""

    government_funding = KRWField(label=_("Agreed government funding"))
    private_contribution = KRWField(label=_("Agreed private contribution"))

    class Meta:
        model = Project
        fields = ["proposal", "iris_number", "agreed_on", "starts_on", "ends_on", "government_funding",
                  "private_contribution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = (
            Proposal.objects.selected().filter(project__isnull=True).select_related("call").order_by("title")
        )
        self.fields["iris_number"].validators = [validate_iris_number]
