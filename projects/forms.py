from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from portal.forms_money import KRWField
from portal.money import MAX_KRW
from projects import rules
from projects.models import ANNEX_UPLOAD, KPI, PROPOSAL_DOCUMENT_UPLOAD, Participant, Proposal

MIN_EXTRA_ROWS = 2
MAX_EXTRA_ROWS = 30


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "summary", "problem", "industry", "ai_areas", "starts_on", "ends_on", "document"]
        widgets = {
            "ai_areas": forms.CheckboxSelectMultiple,
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            # The stored name is random and private: the page shows the original name instead.
            "document": forms.FileInput(attrs={"accept": PROPOSAL_DOCUMENT_UPLOAD.accept}),
        }

    def clean_document(self):
        document = self.cleaned_data.get("document")
        PROPOSAL_DOCUMENT_UPLOAD.validate(document)
        return document


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.group_label})"


# Budget lines in won, typed as people write them ("30억", "1억 5,000만"). A number input would not do: the
# browser drops what is not a digit, so "30억" reached the server as "30" and was saved as 30 원.
MONEY_FIELDS = ("government_funding", "private_cash", "private_in_kind")


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["organization", "role", "government_funding", "private_cash", "private_in_kind"]
        field_classes = {"organization": OrganizationChoiceField, **dict.fromkeys(MONEY_FIELDS, KRWField)}

    def __init__(self, *args, organization_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in MONEY_FIELDS:
            # The model's bound is the database column's; the parser reads at most MAX_KRW.
            self.fields[name].max_value = MAX_KRW
        field = self.fields["organization"]
        field.queryset = Organization.objects.approved()
        if organization_choices is not None:
            # One query for the whole formset instead of one per row.
            field.choices = organization_choices


class ParticipantFormSet(BaseInlineFormSet):
    """The consortium: row rules come from Participant.clean(), cross-row rules from projects.rules."""

    def __init__(self, *args, complete=False, **kwargs):
        self.complete = complete
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_organization_choices"):
            field = OrganizationChoiceField(queryset=Organization.objects.approved(), required=False)
            self._organization_choices = list(field.choices)
        kwargs["organization_choices"] = self._organization_choices
        return kwargs

    def validate_unique(self):
        """Duplicates are reported by projects.rules with a clearer message (and held by the database)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        lines = [
            rules.Line(
                organization=form.cleaned_data["organization"], role=form.cleaned_data["role"],
                government=form.cleaned_data["government_funding"] or 0,
                cash=form.cleaned_data["private_cash"] or 0, in_kind=form.cleaned_data["private_in_kind"] or 0,
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("organization")
        ]
        problems = rules.consortium_errors(self.instance.call, self.instance.lead, lines, complete=self.complete)
        if problems:
            raise ValidationError(problems)


def participant_formset(extra):
    return inlineformset_factory(
        Proposal, Participant, form=ParticipantForm, formset=ParticipantFormSet, extra=extra, can_delete=True
    )


def kpi_formset(extra):
    return inlineformset_factory(
        Proposal, KPI, fields=["indicator", "baseline", "target", "unit"], extra=extra, can_delete=True,
        widgets={name: forms.NumberInput(attrs={"step": "any"}) for name in ("baseline", "target")},
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AnnexForm(forms.Form):
    file = forms.FileField(
        label=_("Annex"), help_text=_("PDF, HWP or HWPX, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": ANNEX_UPLOAD.accept}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        ANNEX_UPLOAD.validate(uploaded)
        return uploaded


class ScoreForm(forms.Form):
    """A reviewer's scores: one 1–5 choice per criterion of the call, and a comment."""

    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [("", "—")] + [(n, str(n)) for n in range(1, 6)]
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.label, choices=choices, coerce=int
            )
        self.order_fields([f"criterion_{c.pk}" for c in self.criteria] + ["comment"])

    def scores(self):
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class RecuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for recusal (회피)"), widget=forms.Textarea(attrs={"rows": 3}))
