"""Ministry staff's side of lead projects: calls, review (scores) and decisions (workflow actions).

Reviewers ("Project reviewers") score on a page of their own; deciders ("Project deciders")
move proposals with actions that ask for a note on an intermediate page. Every write goes
through projects.services, so the admin applies the same rules as the company pages.
"""

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, F, FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal import pagination
from portal.admin import LongListMixin, RecordedAdminViewMixin, StoredCountMixin, WorkflowAdminMixin
from portal.audit import record_access
from portal.csv import ChangelistExportMixin
from portal.forms_money import KRWField
from portal.models import AccessRecord
from portal.money import exact_krw, format_krw
from portal.pagination import DeferredJoinPaginator
from projects import panels, revisions, services, threads
from projects.admin_panels import PanelMessagesMixin, PanelReviewMixin
from projects.forms import StaffMessageForm
from projects.models import (
    KPI,
    AIArea,
    Annex,
    Call,
    ConsentChange,
    Criterion,
    Message,
    Panel,
    PanelProposal,
    Participant,
    Proposal,
    Review,
    StatusChange,
    Submission,
)


class CriterionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weights = [form.cleaned_data.get("weight") or 0 for form in self.forms
                   if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        # A call saved without criteria gets the standard ones, whose weights sum to 100.
        problem = self.instance.weight_problem(weights) if weights else None
        if problem:
            raise ValidationError(problem)


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriterionFormSet
    extra = 0
    fields = ["sort_order", "code", "name", "weight", "scale"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_at", "closes_at", "cap", "max_months", "expected_projects", "proposal_count"]
    search_fields = ["title"]
    date_hierarchy = "opens_at"
    inlines = [CriterionInline]
    # The cap is typed as staff write it ("100억"); the admin's number input would send "100" for it.
    formfield_overrides = {models.PositiveBigIntegerField: {"form_class": KRWField, "widget": KRWField.widget}}
    fieldsets = [
        (None, {"fields": ["title", "description", ("opens_at", "closes_at")]}),
        (_("Size"), {"fields": ["funding_cap", "max_months", "expected_projects"]}),
        (_("Government share of a participant's own budget (%)"), {
            "fields": [("gov_share_large", "gov_share_midsize", "gov_share_sme", "gov_share_public_enterprise",
                        "gov_share_institution")]
        }),
        (_("Cash part of a company's private contribution (%)"), {
            "fields": [("cash_min_large", "cash_min_midsize", "cash_min_sme", "cash_min_public_enterprise")]
        }),
        (_("Consortium"), {"fields": ["sme_midsize_min_share", "demand_company_required"]}),
        (_("Review and disclosure"), {"fields": ["drop_extremes", "disclose_rank_band", "disclose_evaluators",
                                                 "objection_days"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(proposal_count=Count("proposals"))

    @admin.display(description=_("cap"), ordering="funding_cap")
    def cap(self, obj):
        return format_krw(obj.funding_cap)

    @admin.display(description=_("proposals"), ordering="proposal_count")
    def proposal_count(self, obj):
        return obj.proposal_count

    def save_model(self, request, obj, form, change):
        services.call_save(call=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inline: only a call that staff left without criteria gets the standard ones.
        services.call_add_default_criteria(call=form.instance)


@admin.register(AIArea)
class AIAreaAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "name_en", "code", "sort_order"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ["organization", "tier", "role", "government", "cash", "in_kind", "consent", "consent_at", "consent_note",
              "contact_name", "contact_email", "contact_phone"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")

    @admin.display(description=_("size"))
    def tier(self, obj):
        return obj.organization.group_label

    @admin.display(description=_("government funding"))
    def government(self, obj):
        return format_krw(obj.government_funding)

    @admin.display(description=_("private cash"))
    def cash(self, obj):
        return format_krw(obj.private_cash)

    @admin.display(description=_("private in kind"))
    def in_kind(self, obj):
        return format_krw(obj.private_in_kind)


class KPIInline(ReadOnlyInline):
    model = KPI
    fields = ["indicator", "baseline", "target", "unit"]
    readonly_fields = fields


class AnnexInline(ReadOnlyInline):
    model = Annex
    fields = ["download", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("my-proposals:annex", args=[obj.proposal_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ["reviewer", "score_list", "comment", "recused", "recusal_reason", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("reviewer").prefetch_related("scores__criterion")
        if panels.restricted(request.user):
            # A panel member reads their own review, and the others' submitted ones only once they submitted theirs
            # and the panel's scoring is closed (projects.panels.sees_others).
            own_done = Review.objects.filter(
                reviewer=request.user, submitted_at__isnull=False,
                proposal__panel_assignment__panel__status=Panel.Status.CLOSED,
            ).values("proposal")
            queryset = queryset.filter(Q(reviewer=request.user) | Q(proposal__in=own_done, submitted_at__isnull=False))
        return queryset

    @admin.display(description=_("scores"))
    def score_list(self, obj):
        return format_html_join(
            mark_safe("<br>"), "{}: {}", ((s.criterion.label, s.score) for s in obj.scores.all())
        )


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class ConsentChangeInline(ReadOnlyInline):
    """Partners' answers (참여확약), as the lead's proposal page shows them."""

    model = ConsentChange
    fields = ["at", "organization", "from_state", "to_state", "by", "note"]
    readonly_fields = fields
    verbose_name_plural = _("partners' confirmations")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "by")


class SubmissionInline(ReadOnlyInline):
    """The submitted versions, each linked to its page with what changed since the one before."""

    model = Submission
    fields = ["version", "submitted_at", "submitted_by"]
    readonly_fields = fields
    verbose_name_plural = _("submitted versions")

    def has_view_permission(self, request, obj=None):
        # Whoever reads the proposal reads what it was when sent: no permission of the versions' own.
        return request.user.has_perm("projects.view_proposal")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("submitted_by").defer("snapshot")

    @admin.display(description=_("submitted version"))
    def version(self, obj):
        url = reverse("admin:projects_proposal_submission", args=[obj.proposal_id, obj.number])
        return format_html('<a href="{}">{}</a>', url, _("Submission %(number)s") % {"number": obj.number})
class AwaitingReplyFilter(admin.SimpleListFilter):
    """Proposals with an applicant's message that staff have not answered (ProposalQuerySet.awaiting_reply): the
    list the admin overview's count links to."""

    title = _("messages")
    parameter_name = "messages"
    WAITING = "waiting"

    def lookups(self, request, model_admin):
        return [(self.WAITING, _("Waiting for the alliance's answer"))]

    def queryset(self, request, queryset):
        if self.value() == self.WAITING:
            return queryset.awaiting_reply()
        return queryset


# Every proposal and their government funding, counted by the worker for the unfiltered list
# (portal.admin.StoredCountMixin; projects.apps).
PROPOSAL_TOTALS = "projects.proposal-totals"


def proposal_totals():
    # With the marks of the list's order (the model's), for its deep pages (portal.pagination).
    return {**Proposal.objects.aggregate(count=Count("pk"), government_total=Coalesce(Sum("government_total"), 0)),
            "marks": pagination.marks(Proposal.objects.order_by(*Proposal._meta.ordering))}


@admin.register(Proposal)
class ProposalAdmin(
    PanelReviewMixin, RecordedAdminViewMixin, WorkflowAdminMixin, ChangelistExportMixin, LongListMixin,
    StoredCountMixin, admin.ModelAdmin,
):
    list_display = [
        "title", "call", "lead", "lead_tier", "status", "funding", "average", "submitted_at",
    ]
    # The change page shows every participant's contact person and phone: each view is an access record.
    access_record_what = _("proposal with its participants' contact persons")
    messages_record_what = _("messages with the applicants, with their authors' names")
    # Submission dates as a filter rather than a date hierarchy, which scans every proposal on each page.
    list_filter = ["call", "status", AwaitingReplyFilter, "industry", "ai_areas", "lead__tier",
                   ("submitted_at", admin.DateFieldListFilter)]
    search_fields = ["title", "lead__name", "lead__business_number"]
    list_select_related = ["call", "lead", "industry"]
    # Each of these sorts reads an index (Proposal.Meta.indexes), at any size; the call, the lead's size and the
    # status have a filter, the lead the search box (sorting by a call or a lead would join and sort every proposal).
    sortable_by = ["title", "funding", "average", "submitted_at"]
    # The totals line above the list already counts the filtered proposals; "N total" would count all again.
    show_full_result_count = False
    list_per_page = 50  # each row costs ~0.35 ms of Django's cell rendering; search and filters find the rest
    paginator = DeferredJoinPaginator  # a deep page reads its ids from the order's index, then 50 rows
    stored_totals = PROPOSAL_TOTALS  # the unfiltered list's count and funding
    inlines = [ParticipantInline, KPIInline, AnnexInline, SubmissionInline, ReviewInline, StatusChangeInline,
               ConsentChangeInline]
    readonly_fields = [
        "review_links", "conversation", "call", "lead", "title", "status", "summary", "problem", "industry", "areas",
        "starts_on", "ends_on", "document_link", "funding_totals", "submitted_at", "decided_at",
    ]
    fieldsets = [
        (None, {"fields": ["review_links", "conversation", "call", "lead", "title", "status"]}),
        (_("Project"), {"fields": ["summary", "problem", "industry", "areas", ("starts_on", "ends_on")]}),
        (_("Funding and documents"), {"fields": ["funding_totals", "document_link", "submitted_at", "decided_at"]}),
    ]
    # The actions are the staff steps of Proposal.WORKFLOW (WorkflowAdminMixin).
    workflow_history = "history"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if panels.restricted(request.user):
            return queryset.annotate(shown_average=Value(None, output_field=FloatField()))  # see PanelReviewMixin
        # The stored mean (Proposal.average_score, kept by the review services): sorted from its index.
        return queryset.annotate(shown_average=F("average_score"))

    def get_search_results(self, request, queryset, search_term):
        # Each word in the title or the lead's name or number, as Django's own search would find (an OR across the
        # join, which no index answers), from the bigram indexes, counted up to a limit (StoredCountMixin).
        return self.search_matches(request, queryset, self.search_fields, search_term), False

    def shows_every_row(self, request):
        return super().shows_every_row(request) and not panels.restricted(request.user)  # a panel member: theirs

    def has_add_permission(self, request):
        return False  # proposals come from companies

    def has_delete_permission(self, request, obj=None):
        return False  # the history is a record

    # --- columns ----------------------------------------------------------------------------------

    @admin.display(description=_("lead size"), ordering="lead__tier")
    def lead_tier(self, obj):
        return obj.lead.group_label

    @admin.display(description=_("government funding"), ordering="government_total")
    def funding(self, obj):
        amount = obj.government_total
        return format_html('<span title="{}">{}</span>', exact_krw(amount), format_krw(amount))

    @admin.display(description=_("average score"), ordering="shown_average")
    def average(self, obj):
        return "—" if obj.shown_average is None else f"{obj.shown_average:.2f}"

    @admin.display(description=_("AI application areas"))
    def areas(self, obj):
        return ", ".join(area.name for area in obj.ai_areas.all())

    @admin.display(description=_("totals"))
    def funding_totals(self, obj):
        return format_html(
            "{}: {}<br>{}: {}<br>{}: {}",
            _("government funding"), format_krw(obj.government_total),
            _("private cash"), format_krw(obj.private_cash_total),
            _("private in kind"), format_krw(obj.private_in_kind_total),
        )

    @admin.display(description=_("proposal document"))
    def document_link(self, obj):
        if not obj.document:
            return "—"
        url = reverse("my-proposals:document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.document_name or _("download"))

    @admin.display(description=_("review panel"))
    def review_links(self, obj):
        # The buttons to score and to the panel's summary depend on who reads: the page's object tools
        # (PanelReviewMixin.change_view) show them.
        assignment = PanelProposal.objects.select_related("panel__call").filter(proposal=obj).first()
        if assignment is None:
            return "—"
        return f"{assignment.panel} · {assignment.panel.get_status_display()}"

    @admin.display(description=_("messages"))
    def conversation(self, obj):
        url = reverse("admin:projects_proposal_messages", args=[obj.pk])
        link = format_html('<a class="button" href="{}">{}</a>', url, _("Messages with the applicants"))
        if obj.awaiting_reply_since is None or obj.status not in Proposal.MESSAGES_OPEN:
            return link
        since = date_format(timezone.localtime(obj.awaiting_reply_since), "SHORT_DATETIME_FORMAT")
        return format_html('{} <span class="awaiting-reply">{}</span>', link,
                           _("waiting for the alliance's answer since %(since)s") % {"since": since})

    # --- totals of the filtered list ------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context=extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        # A search with more matches than it counts has no totals: it lists its first rows (StoredCountMixin).
        if changelist is not None and not self.search_capped(request):
            # The list's own queryset has one row per proposal (the average score is a subquery, and the changelist
            # removes duplicates that filters may cause), and the paginator has counted it; the whole list knows its
            # sum already (StoredCountMixin), a search's are at most SEARCH_COUNT_LIMIT proposals by their pks.
            known = self.list_totals(request)
            government = known["government_total"] if known else (
                changelist.queryset.aggregate(government=Sum("government_total"))["government"] or 0)
            # The template reads the sum as 억/조 (|krw), with the exact figure in its title.
            response.context_data["proposal_totals"] = {"count": changelist.result_count, "exact": government}
        return response

    # --- workflow actions (WorkflowAdminMixin) ----------------------------------------------------

    def workflow_run(self, request, obj, transition, note):
        services.proposal_transition(proposal=obj, action=transition.name, by=request.user, note=note)

    def workflow_object_detail(self, obj):
        return obj.lead.name

    # --- CSV export of the filtered list (portal.csv) ------------------------------------------

    csv_filename = "proposals"

    def csv_queryset(self, queryset):
        return queryset.select_related("call", "lead", "industry").prefetch_related("ai_areas")

    def csv_header(self):
        return [
            _("id"), _("call"), _("title"), _("lead organisation"), _("business registration number"),
            _("lead size"), _("industry"), _("AI application areas"), _("status"),
            _("government funding (KRW)"), _("private cash (KRW)"), _("private in kind (KRW)"),
            _("average score"), _("submitted at"),
        ]

    def csv_row(self, p):
        return [
            p.pk, p.call.title, p.title, p.lead.name, p.lead.business_number, p.lead.group_label,
            p.industry.name, ", ".join(a.name for a in p.ai_areas.all()), p.get_status_display(),
            p.government_total, p.private_cash_total, p.private_in_kind_total,
            None if p.shown_average is None else Decimal(f"{p.shown_average:.2f}"), p.submitted_at,
        ]

    # --- panel members' pages (projects.admin_panels.PanelReviewMixin) ----------------------------------------

    def get_urls(self):
        return [
            *self.panel_urls(),
            path("<int:pk>/submissions/<int:number>/", self.admin_site.admin_view(self.submission_view),
                 name="projects_proposal_submission"),
            path("<int:pk>/messages/", self.admin_site.admin_view(self.messages_view),
                 name="projects_proposal_messages"),
            *super().get_urls(),
        ]

    # --- submitted versions (projects.revisions) ----------------------------------------------------

    def submission_view(self, request, pk, number):
        """A submitted version and what changed since the one before (or ?against=<number>), every line shown."""
        gate = self._panel_gate(request, pk)  # a panel member: their proposals only, after declaring (issue 16)
        if gate is not None:
            return gate
        proposal = get_object_or_404(Proposal.objects.select_related("call", "lead"), pk=pk)
        if not self.has_view_permission(request, proposal):
            raise PermissionDenied
        submission = get_object_or_404(proposal.submissions.select_related("submitted_by"), number=number)
        other = Submission.objects.to_compare(submission, request.GET.get("against", ""))
        return render(request, "admin/projects/proposal/submission.html", {
            **self.admin_site.each_context(request),
            "title": _("“%(title)s”, submission %(number)s") % {"title": proposal.title, "number": number},
            "proposal": proposal, "submission": submission, "other": other, "opts": self.model._meta,
            "numbers": list(proposal.submissions.values_list("number", flat=True)),
            "changes": None if other is None else revisions.diff(other.snapshot, submission.snapshot),
            "snapshot": revisions.readable(submission.snapshot), "own_lines": None,
        })

    # --- the conversation with the applicants (projects.threads) -------------------------------------------------

    def messages_view(self, request, pk):
        """A proposal's whole conversation, thread by thread, and a reply to the lead or to one partner: read by
        staff who may view proposals and messages, written by those who may message applicants."""
        if not (services.can_read_messages(request.user) and self.has_view_permission(request)):
            raise PermissionDenied
        gate = self._panel_gate(request, pk)  # a panel member: their proposals' threads only (issue 16)
        if gate is not None:
            return gate
        proposal = get_object_or_404(Proposal.objects.select_related("call", "lead"), pk=pk)
        partners = [
            line.organization
            for line in Participant.objects.partners().filter(proposal=proposal).select_related("organization")
        ]
        can_write = services.can_message_applicants(request.user) and proposal.status in Proposal.MESSAGES_OPEN
        if request.method == "POST" and not can_write:
            raise PermissionDenied
        loaded = list(proposal.messages.select_related("author", "partner"))
        shown = threads.threads_of(loaded, partners=partners)
        form, status = None, 200
        if can_write:
            # Whoever waits longest is whom a reply is for, unless staff choose another.
            waiting = sorted((t for t in shown if t.waiting_since and t.in_consortium), key=lambda t: t.waiting_since)
            form = StaffMessageForm(partners=partners, lead=proposal.lead,
                                    initial={"to": waiting[0].key if waiting else StaffMessageForm.LEAD})
            if request.method == "POST":
                form = StaffMessageForm(request.POST, request.FILES, partners=partners, lead=proposal.lead)
                response, status = threads.send(
                    request, form, proposal=proposal, side=Message.Side.STAFF,
                    url=reverse("admin:projects_proposal_messages", args=[pk]),
                )
                if response is not None:
                    return response
        # The page shows every author's name (the applicants' people and the staff's): each time it is shown is an
        # access record, as the change page's (RecordedAdminViewMixin); a reply that redirects shows nothing.
        record_access(request, obj=proposal, what=str(self.messages_record_what),
                      action=AccessRecord.Action.ADMIN_VIEW)
        return render(request, "admin/projects/proposal/messages.html", {
            **self.admin_site.each_context(request),
            "title": _("Messages: “%(title)s”") % {"title": proposal.title},
            "proposal": proposal, "threads": shown, "form": form, "opts": self.model._meta,
            "messages_open": proposal.status in Proposal.MESSAGES_OPEN,
        }, status=status)


@admin.register(Message)
class MessageAdmin(PanelMessagesMixin, admin.ModelAdmin):
    """Every message, read-only: a message is a record once sent. Staff answer in a proposal's thread page."""

    list_display = ["created_at", "proposal", "side", "partner", "author", "attachment_name"]
    list_filter = ["side", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["proposal", "partner", "author"]
    search_fields = ["body", "proposal__title"]
    fields = ["thread_link", "proposal", "partner", "side", "author", "created_at", "body", "attachment_link"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("thread"))
    def thread_link(self, obj):
        url = reverse("admin:projects_proposal_messages", args=[obj.proposal_id])
        return format_html('<a href="{}#message-{}">{}</a>', url, obj.pk, _("Open the proposal's thread"))

    @admin.display(description=_("attachment"))
    def attachment_link(self, obj):
        if not obj.attachment:
            return "—"
        url = reverse("my-proposals:message-attachment", args=[obj.proposal_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.attachment_name)
