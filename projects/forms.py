from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from portal.forms_money import KRWField
from portal.money import MAX_KRW
from projects import rules, search
from projects.models import (
    ANNEX_UPLOAD,
    KPI,
    MESSAGE_MAX,
    MESSAGE_UPLOAD,
    OBJECTION_UPLOAD,
    PROPOSAL_DOCUMENT_UPLOAD,
    ConflictDeclaration,
    Participant,
    Proposal,
)

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


class OrganizationLookupField(forms.Field):
    """An organisation typed as its business number or its exact name, or picked from the search
    (projects.search), which fills in "name (123-45-67890)".

    A business number finds any approved member; a name only members listed in the directory (the rule of
    projects.search: an unlisted organisation is found by its exact number only)."""

    default_error_messages = {
        "not_found": _("No approved member matches “%(value)s”. Type its business registration number (10 digits), "
                       "or find it with the search."),
        "ambiguous": _("More than one member is called “%(value)s”: type its business registration number instead."),
    }

    widget = forms.TextInput

    def __init__(self, *, current=None, **kwargs):
        self.current = current  # the row's stored organisation: its label resolves without a query
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "220"}

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return search.label(value)
        if self.current is not None and value == self.current.pk:
            return search.label(self.current)
        return value

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != (data or "").strip()

    def to_python(self, value):
        text = str(value or "").strip()[:220]
        if not text:
            return None
        if self.current is not None and text == search.label(self.current):
            return self.current
        found = search.resolve(text)
        if found is search.AMBIGUOUS:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": text})
        if found is None:
            raise ValidationError(self.error_messages["not_found"], code="not_found", params={"value": text})
        return found


# Budget lines in won, typed as people write them ("30억", "1억 5,000만"). A number input would not do: the
# browser drops what is not a digit, so "30억" reached the server as "30" and was saved as 30 원.
MONEY_FIELDS = ("government_funding", "private_cash", "private_in_kind")


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["organization", "role", "government_funding", "private_cash", "private_in_kind"]
        field_classes = dict.fromkeys(MONEY_FIELDS, KRWField)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in MONEY_FIELDS:
            # The model's bound is the database column's; the parser reads at most MAX_KRW.
            self.fields[name].max_value = MAX_KRW
        current = self.instance.organization if self.instance.organization_id else None
        self.fields["organization"] = OrganizationLookupField(
            current=current, label=_("Organisation"), required=False,
            help_text=_("Business registration number or exact name"),
            widget=forms.TextInput(attrs={
                "data-org-picker": reverse_lazy("my-proposals:organization-search"), "autocomplete": "off",
                "data-org-picker-label": _("Matching members"), "aria-describedby": "picker-help",
            }),
        )
        self.known_organization = current  # the organisation this row names, when known without a query
        if isinstance(self.initial.get("organization"), Organization):
            self.known_organization = self.initial["organization"]
            self.initial["organization"] = search.label(self.initial["organization"])

    def named_organization(self):
        """The organisation the row names as far as it is known already: the one read from what was sent (when
        the form was checked), else its stored or initial one."""
        cleaned = getattr(self, "cleaned_data", None) or {}
        return cleaned.get("organization") or self.known_organization


class ParticipantFormSet(BaseInlineFormSet):
    """The consortium: row rules come from Participant.clean(), cross-row rules from projects.rules."""

    def __init__(self, *args, complete=False, **kwargs):
        self.complete = complete
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        # Each row shows its organisation's label: read with the rows, not one query per row. Kept where the base
        # class keeps its own: a new clone on each call was read again by every form of the formset.
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset().select_related("organization")
        return self._queryset

    def named_organizations(self):
        """The organisations the rows name, read already (no query): the form's live check needs their groups."""
        return [org for org in (form.named_organization() for form in self.forms) if org is not None]

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
            # A partner that declined or withdrew counts toward nothing, until the lead changes its line (which
            # asks it again: projects.services).
            and (form.instance.pk is None or form.instance.is_counted or form.has_changed())
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


class PartnerLineForm(forms.ModelForm):
    """A partner's own budget line and contact person: the part of the consortium it edits itself. Amounts are typed
    as people write them ("15억", "1억 5,000만"), read by portal.forms_money."""

    government_funding = KRWField(label=_("Government funding"), help_text=_("For example 15억 or 1,500,000,000."))
    private_cash = KRWField(label=_("Private cash"))
    private_in_kind = KRWField(label=_("Private in kind"))

    class Meta:
        model = Participant
        fields = ["government_funding", "private_cash", "private_in_kind", "contact_name", "contact_email",
                  "contact_phone"]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or business registration number"), max_length=100, required=False)


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
        for criterion in self.criteria:
            # Each criterion on its own scale (1 to 5 for the standard ones), its weight in the label.
            choices = [("", "—")] + [(n, str(n)) for n in range(1, criterion.scale + 1)]
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(criterion)s (weight %(weight)s, 1–%(scale)s)") % {
                    "criterion": criterion.label, "weight": criterion.weight, "scale": criterion.scale},
                choices=choices, coerce=int,
            )
        self.order_fields([f"criterion_{c.pk}" for c in self.criteria] + ["comment"])

    def scores(self):
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class RecuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for recusal (회피)"), widget=forms.Textarea(attrs={"rows": 3}))


class MessageForm(forms.Form):
    """A message in a proposal's conversation, with an optional attachment (the annexes' kinds and limit)."""

    body = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write a message.")},
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"), required=False, help_text=_("PDF, HWP or HWPX, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": MESSAGE_UPLOAD.accept}),
    )

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        MESSAGE_UPLOAD.validate(uploaded)
        return uploaded


class StaffMessageForm(MessageForm):
    """Staff's reply: to the lead (the consortium's thread) or to one partner about its part."""

    LEAD = ""

    def __init__(self, *args, partners, lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = {str(org.pk): org for org in partners}
        choices = [(self.LEAD, _("%(lead)s (the lead: the consortium's thread)") % {"lead": lead.name})]
        choices += [(key, _("%(org)s (about its part)") % {"org": org.name}) for key, org in self.partners.items()]
        self.fields["to"] = forms.ChoiceField(label=_("To"), choices=choices, required=False)
        self.order_fields(["to", "body", "attachment"])

    def addressee(self):
        """The partner the reply is addressed to, or None for the lead."""
        return self.partners.get(self.cleaned_data.get("to") or "")


# --- review panels (issue 16) ------------------------------------------------------------------------------------


class DeclarationForm(forms.Form):
    """A panel member's declaration before reading a proposal: no conflict, or a conflict with its ground."""

    ground = forms.ChoiceField(
        label=_("Conflict of interest"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in ConflictDeclaration.Ground.choices],
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you declare a conflict: who, what relation, since when."),
    )

    def __init__(self, *args, conflict_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if conflict_only:  # after "no conflict": only a conflict can still be declared
            self.fields["ground"].choices = [c for c in self.fields["ground"].choices
                                             if c[0] != ConflictDeclaration.Ground.NONE]

    def clean(self):
        data = super().clean()
        ground = data.get("ground")
        if ground and ground != ConflictDeclaration.Ground.NONE and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for the conflict of interest."))
        return data


class ReopenForm(forms.Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for reopening"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ChallengeForm(forms.Form):
    person_name = forms.CharField(label=_("Evaluator's name"), max_length=100)
    person_affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Why a fair evaluation cannot be expected from this person."))


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    document = forms.FileField(
        label=_("Supporting document"), help_text=_("PDF, HWP or HWPX, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": OBJECTION_UPLOAD.accept}),
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        OBJECTION_UPLOAD.validate(document)
        return document
