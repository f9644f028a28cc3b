"""The admin's side of review by panels (issue 16): what a panel member sees of the proposals, their declaration and
score pages, and the deciders' panels, evaluator profiles, 기피 requests and objections.

A reviewer who does not decide (projects.panels.restricted) meets only the proposals of their panels: the list, the
change and history pages, the score page. Any other proposal, and one they are excluded from, is a 404, as is the
proposal's document for them (projects.views_my). Every write goes through projects.services.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, DateTimeField, Exists, OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import RecordedAdminViewMixin, WorkflowAdminMixin
from portal.csv import csv_response, stamped_filename
from portal.workflow import WorkflowError
from projects import panels, scoring, services
from projects.forms import DeclarationForm, ReopenForm, ScoreForm
from projects.models import (
    ChallengeRequest,
    ConflictDeclaration,
    FormerEmployer,
    Objection,
    Panel,
    PanelMember,
    PanelProposal,
    Proposal,
    Review,
    ReviewerProfile,
)

STATE_LABELS = {
    "submitted": _("submitted"),
    "draft": _("draft, not submitted"),
    "declared": _("declared, not scored"),
    "undeclared": _("not declared yet"),
    "excluded": _("excluded"),
}


def points(value):
    return scoring.as_decimal_text(value)


class PanelReviewMixin:
    """ProposalAdmin for panel members: their proposals only, declaration first, their own review only."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if not panels.restricted(user):
            return queryset
        mine = Review.objects.filter(proposal=OuterRef("pk"), reviewer=user)
        return queryset.filter(pk__in=panels.assigned_proposals(user).values("pk")).annotate(
            my_declaration=Subquery(ConflictDeclaration.objects.filter(proposal=OuterRef("pk"), reviewer=user)
                                    .values("ground")[:1]),
            my_review=Exists(mine),
            my_submitted_at=Subquery(mine.values("submitted_at")[:1], output_field=DateTimeField()),
        )

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if panels.restricted(request.user):
            # No averages for panel members: others' scores reach them only after scoring closes, on the score page.
            columns = [c for c in columns if c != "average"]
            columns.insert(1, "my_review_state")  # beside the title: what the member has to do next
        return columns

    @admin.display(description=_("your review"))
    def my_review_state(self, obj):
        if obj.my_declaration is None:
            url, label = reverse("admin:projects_proposal_declare", args=[obj.pk]), _("Declare first")
        else:
            url = reverse("admin:projects_proposal_score", args=[obj.pk])
            label = _("Submitted") if obj.my_submitted_at else _("Draft") if obj.my_review else _("Not scored")
        return format_html('<a href="{}">{}</a>', url, label)

    def _panel_gate(self, request, object_id):
        """For a panel member: 404 unless the proposal is theirs; the declaration page until they have declared."""
        if not panels.restricted(request.user):
            return None
        proposal = Proposal.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        standing = panels.standing(request.user, proposal) if proposal else panels.Standing()
        if not standing.visible:
            raise Http404
        if not standing.clear:
            return HttpResponseRedirect(reverse("admin:projects_proposal_declare", args=[proposal.pk]))
        return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        gate = self._panel_gate(request, object_id)
        if gate is not None:
            return gate
        extra_context = {**(extra_context or {}), "review_tools": self._review_tools(request, object_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_tools(self, request, object_id):
        """The change page's buttons: the score page for a member of the proposal's panel, the panel's summary for
        deciders."""
        proposal = Proposal.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if proposal is None:
            return []
        tools = []
        if proposal.status in services.REVIEWABLE and services.can_score(request.user) and panels.standing(
                request.user, proposal).visible:
            tools.append((reverse("admin:projects_proposal_score", args=[proposal.pk]), _("Score this proposal")))
        assignment = PanelProposal.objects.filter(proposal=proposal).first()
        if assignment is not None and services.can_decide(request.user):
            tools.append((reverse("admin:projects_panel_summary", args=[assignment.panel_id]), _("Panel summary")))
        return tools

    def history_view(self, request, object_id, extra_context=None):
        return self._panel_gate(request, object_id) or super().history_view(request, object_id, extra_context)

    def has_view_permission(self, request, obj=None):
        if obj is not None and panels.restricted(request.user) and not panels.standing(request.user, obj).clear:
            return False
        return super().has_view_permission(request, obj)

    # --- the declaration and score pages -----------------------------------------------------------------------

    def panel_urls(self):
        return [
            path("<int:pk>/declare/", self.admin_site.admin_view(self.declare_view), name="projects_proposal_declare"),
            path("<int:pk>/score/", self.admin_site.admin_view(self.score_view), name="projects_proposal_score"),
        ]

    def _seated(self, request, pk):
        """The proposal and the user's standing: 404 for anyone not on its panel or excluded from it."""
        if not services.can_score(request.user):
            raise PermissionDenied
        proposal = get_object_or_404(Proposal.objects.select_related("call", "lead"), pk=pk)
        standing = panels.standing(request.user, proposal)
        if not standing.visible:
            raise Http404
        return proposal, standing

    def declare_view(self, request, pk):
        proposal, standing = self._seated(request, pk)
        form = DeclarationForm(request.POST or None, conflict_only=standing.declaration is not None)
        if request.method == "POST" and form.is_valid():
            try:
                declaration = services.conflict_declare(
                    proposal=proposal, reviewer=request.user, ground=form.cleaned_data["ground"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                if declaration.has_conflict:
                    self.message_user(request, _("You declared a conflict of interest: you are excluded from "
                                                 "“%(title)s”.") % {"title": proposal.title}, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:projects_proposal_changelist"))
                self.message_user(request, _("You declared no conflict of interest."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:projects_proposal_change", args=[proposal.pk]))
        return render(request, "admin/projects/proposal/declare.html", {
            **self.admin_site.each_context(request),
            "title": _("Conflict of interest: “%(title)s”") % {"title": proposal.title},
            "proposal": proposal, "standing": standing, "form": form, "opts": self.model._meta,
            # What a declaration needs and nothing more: who is in the consortium.
            "consortium": proposal.participants.select_related("organization").order_by("pk"),
        })

    def score_view(self, request, pk):
        proposal, standing = self._seated(request, pk)
        if not standing.clear:
            return HttpResponseRedirect(reverse("admin:projects_proposal_declare", args=[proposal.pk]))
        panel = standing.panel
        criteria = list(proposal.call.criteria.all())
        review = Review.objects.filter(proposal=proposal, reviewer=request.user).prefetch_related("scores").first()
        initial = {}
        if review:
            initial = {f"criterion_{s.criterion_id}": s.score for s in review.scores.all()}
            initial["comment"] = review.comment
        score_form = ScoreForm(criteria=criteria, initial=initial)
        declare_form = DeclarationForm(conflict_only=True)
        change_url = reverse("admin:projects_proposal_score", args=[pk])
        if request.method == "POST":
            if "reopen" in request.POST:
                return self._reopen(request, proposal, change_url)
            score_form = ScoreForm(request.POST, criteria=criteria)
            if score_form.is_valid():
                submit = "submit" in request.POST
                try:
                    services.review_save(
                        proposal=proposal, reviewer=request.user, scores=score_form.scores(),
                        comment=score_form.cleaned_data["comment"], submit=submit,
                    )
                except ValidationError as error:
                    for message in error.messages:
                        self.message_user(request, message, messages.ERROR)
                else:
                    self.message_user(request, _("Your review was submitted and is now locked.") if submit
                                      else _("Your scores were saved as a draft."), messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Score “%(title)s”") % {"title": proposal.title},
            "proposal": proposal, "panel": panel, "score_form": score_form, "declare_form": declare_form,
            "review": review, "opts": self.model._meta, "locked": bool(review and review.submitted_at),
            "criteria": criteria, "open": panel.is_open,
        }
        if review and review.submitted_at:
            scores = {s.criterion_id: s.score for s in review.scores.all()}
            context["own_rows"] = [(c, scores.get(c.pk)) for c in criteria]
            context["own_total"] = points(scoring.total(panels.weighting(criteria), scores))
        if panels.sees_others(review, panel):
            context["others"] = self._others(panel, proposal, criteria)
        if standing.seat.is_chair and panel.is_open:
            context["chair_rows"] = self._chair_rows(panel, proposal)
        return render(request, "admin/projects/proposal/score.html", context)

    def _others(self, panel, proposal, criteria):
        """Every submitted review of the proposal with the panel's figures: once scoring is closed."""
        _criteria, _members, rows = panels.panel_rows(panel, proposals=[proposal])
        row = rows[0]
        sheets = {s.reviewer_id: s for s in row.result.counted + row.result.dropped}
        reviewers = [
            (m.member, [sheets[m.member.user_id].scores.get(c.pk) for c in criteria], points(m.total), m.dropped,
             sheets[m.member.user_id].comment)
            for m in row.members if m.state == "submitted"
        ]
        return {"score": points(row.result.score), "reviewers": reviewers,
                "means": [(c, points(row.result.means.get(c.pk))) for c in criteria]}

    def _chair_rows(self, panel, proposal):
        _criteria, _members, rows = panels.panel_rows(panel, proposals=[proposal])
        reviews = dict(Review.objects.filter(proposal=proposal, submitted_at__isnull=False)
                       .values_list("reviewer_id", "pk"))
        return [(m.member, STATE_LABELS[m.state], reviews.get(m.member.user_id)) for m in rows[0].members]

    def _reopen(self, request, proposal, back):
        form = ReopenForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Give the reason for reopening the review."), messages.ERROR)
            return HttpResponseRedirect(back)
        review = Review.objects.filter(proposal=proposal, pk=form.cleaned_data["review"]).first()
        if review is None:
            raise Http404
        try:
            services.review_reopen(review=review, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, _("The review was reopened; its reviewer was told."), messages.SUCCESS)
        return HttpResponseRedirect(back)


class PanelMessagesMixin:
    """MessageAdmin for panel members: the messages of the proposals they may read (declared, not excluded) only;
    any other message is a 404."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if panels.restricted(request.user):
            queryset = queryset.filter(proposal__in=panels.readable_proposals(request.user))
        return queryset

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if panels.restricted(request.user) and not self.get_queryset(request).filter(
                pk=object_id if str(object_id).isdigit() else None).exists():
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if panels.restricted(request.user) and not self.get_queryset(request).filter(
                pk=object_id if str(object_id).isdigit() else None).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)


# --- the deciders' side: panels, evaluators, 기피 requests and objections ------------------------------------------


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 1
    fields = ["user", "is_chair", "added_at", "reminded_at"]
    readonly_fields = ["added_at", "reminded_at"]
    raw_id_fields = ["user"]


class PanelProposalInline(admin.TabularInline):
    model = PanelProposal
    extra = 1
    fields = ["proposal"]
    raw_id_fields = ["proposal"]


@admin.register(Panel)
class PanelAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "status", "starts_at", "deadline", "member_count", "proposal_count", "summary_link"]
    list_filter = ["status", "call"]
    list_select_related = ["call"]
    fields = ["call", "round_name", ("starts_at", "deadline"), "status", "closed_at", "chair_notified_at"]
    readonly_fields = ["status", "closed_at", "chair_notified_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            member_count=Count("members", distinct=True), proposal_count=Count("assignments", distinct=True))

    def get_readonly_fields(self, request, obj=None):
        # A panel keeps its call: its proposals were assigned for it.
        return [*self.readonly_fields, "call"] if obj is not None else self.readonly_fields

    def get_inlines(self, request, obj):
        # Members and proposals once the panel exists: a proposal is checked against the panel's call.
        return [PanelMemberInline, PanelProposalInline] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # a panel and its reviews are a record

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("proposals"), ordering="proposal_count")
    def proposal_count(self, obj):
        return obj.proposal_count

    @admin.display(description=_("summary"))
    def summary_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:projects_panel_summary", args=[obj.pk]),
                           _("Summary"))

    def save_model(self, request, obj, form, change):
        services.panel_save(panel=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model not in (PanelMember, PanelProposal):
            return super().save_formset(request, form, formset, change)
        members = formset.model is PanelMember
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            try:
                if members:
                    services.panel_seat_remove(member=obj, by=request.user)
                else:
                    services.panel_unassign(assignment=obj, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        for obj in instances:
            if members:
                services.panel_seat_save(member=obj, by=request.user)
            else:
                services.panel_assign(assignment=obj, by=request.user)
        return None

    def workflow_run(self, request, obj, transition, note):
        services.panel_transition(panel=obj, action=transition.name, by=request.user)

    def get_urls(self):
        return [
            path("<int:pk>/summary/", self.admin_site.admin_view(self.summary_view), name="projects_panel_summary"),
            path("<int:pk>/summary.csv", self.admin_site.admin_view(self.summary_csv),
                 name="projects_panel_summary_csv"),
            *super().get_urls(),
        ]

    def _summary(self, request, pk):
        if not services.can_decide(request.user):
            raise PermissionDenied
        panel = get_object_or_404(Panel.objects.select_related("call"), pk=pk)
        criteria, members, rows = panels.panel_rows(panel)
        return panel, criteria, members, rows

    def summary_view(self, request, pk):
        panel, criteria, members, rows = self._summary(request, pk)
        table = [
            {
                "row": row, "score": points(row.result.score),
                "criteria": [(points(row.result.means.get(c.pk)), row.result.spreads.get(c.pk)) for c in criteria],
                "members": [(m.member, STATE_LABELS[m.state], m.reason, points(m.total) if m.total is not None else "",
                             m.dropped) for m in row.members],
            }
            for row in rows
        ]
        return render(request, "admin/projects/panel/summary.html", {
            **self.admin_site.each_context(request),
            "title": _("Panel summary: %(panel)s") % {"panel": panel},
            "panel": panel, "criteria": criteria, "members": members, "table": table, "opts": self.model._meta,
            "weight_problem": panel.call.weight_problem(),
        })

    def summary_csv(self, request, pk):
        panel, criteria, members, rows = self._summary(request, pk)
        header = [_("rank"), _("id"), _("proposal"), _("lead organisation"), _("panel score"),
                  *[_("%(criterion)s: mean") % {"criterion": c.label} for c in criteria],
                  *[_("%(criterion)s: spread") % {"criterion": c.label} for c in criteria],
                  _("reviews submitted"), _("reviews expected"), _("dropped as extremes"), _("excluded and why")]
        body = []
        for row in rows:
            result = row.result
            spreads = [f"{low}–{high}" if (low, high) != (None, None) else ""
                       for low, high in (result.spreads.get(c.pk, (None, None)) for c in criteria)]
            body.append([
                row.rank, row.proposal.pk, row.proposal.title, row.proposal.lead.name,
                _decimal(result.score), *[_decimal(result.means.get(c.pk)) for c in criteria], *spreads,
                row.submitted, row.expected,
                "; ".join(str(m.member.user) for m in row.members if m.dropped),
                "; ".join(f"{m.member.user}: {m.reason}" for m in row.excluded),
            ])
        return csv_response(filename=stamped_filename(f"panel-{panel.pk}"), header=header, rows=body)


def _decimal(value):
    from decimal import Decimal

    return None if value is None else Decimal(scoring.as_decimal_text(value))


class FormerEmployerInline(admin.TabularInline):
    model = FormerEmployer
    extra = 1
    fields = ["name", "organization", "from_year", "until_year"]
    raw_id_fields = ["organization"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(RecordedAdminViewMixin, admin.ModelAdmin):
    access_record_what = _("evaluator profile: name, affiliation, former employers")
    list_display = ["name", "affiliation", "field", "user"]
    search_fields = ["name", "affiliation", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "affiliation_organization"]
    inlines = [FormerEmployerInline]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class DecisionAdmin(RecordedAdminViewMixin, WorkflowAdminMixin, admin.ModelAdmin):
    """기피 requests and objections: read by deciders, decided by the workflow's actions (uphold, dismiss)."""

    list_filter = ["status"]
    list_select_related = ["proposal__lead", "filed_by"]
    search_fields = ["proposal__title", "proposal__lead__name"]

    def has_add_permission(self, request):
        return False  # leads file them on their proposal's page

    def has_delete_permission(self, request, obj=None):
        return False  # a record

    def workflow_object_detail(self, obj):
        return obj.proposal.lead.name


@admin.register(ChallengeRequest)
class ChallengeRequestAdmin(DecisionAdmin):
    access_record_what = _("request to exclude an evaluator: the person named, who filed it")
    list_display = ["proposal", "person_name", "person_affiliation", "evaluator", "status", "filed_at", "decided_at"]
    fields = ["proposal", "person_name", "person_affiliation", "reason", "filed_by", "filed_at", "evaluator",
              "status", "decided_by", "decided_at", "note"]
    readonly_fields = ["proposal", "person_name", "person_affiliation", "reason", "filed_by", "filed_at", "status",
                       "decided_by", "decided_at", "note"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != ChallengeRequest.Status.PENDING:
            return [*self.readonly_fields, "evaluator"]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "evaluator":
            # The members of the panel the proposal is assigned to: read from the object in the address.
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            proposal_id = ChallengeRequest.objects.filter(pk=object_id).values("proposal_id")[:1] if (
                object_id and str(object_id).isdigit()) else []
            kwargs["queryset"] = db_field.related_model.objects.filter(
                panel_seats__panel__assignments__proposal_id__in=proposal_id).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            services.challenge_match(challenge=obj, evaluator=obj.evaluator, by=request.user)
        except WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)

    def workflow_run(self, request, obj, transition, note):
        services.challenge_transition(challenge=obj, action=transition.name, by=request.user, note=note)


@admin.register(Objection)
class ObjectionAdmin(DecisionAdmin):
    access_record_what = _("objection: who filed it, its reason")
    list_display = ["proposal", "status", "filed_at", "decided_at"]
    fields = ["proposal", "reason", "document_link", "filed_by", "filed_at", "status", "decided_by", "decided_at",
              "note"]
    readonly_fields = fields

    @admin.display(description=_("supporting document"))
    def document_link(self, obj):
        url = reverse("my-proposals:objection-document", args=[obj.proposal_id])
        return format_html('<a href="{}">{}</a>', url, obj.document_name or _("download"))

    def workflow_run(self, request, obj, transition, note):
        services.objection_transition(objection=obj, action=transition.name, by=request.user, note=note)


