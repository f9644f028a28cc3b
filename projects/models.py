"""Lead projects (선도 프로젝트): calls, consortium proposals with budget lines, reviews and history.

Money is integer KRW everywhere. Shares are whole percents (integers), so every rule
compares integers: `government * 100 <= share * total`, never a float.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Avg, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from members.models import Industry, Membership, Organization, validate_korean_phone
from portal.dates import add_months
from portal.files import HWP, HWPX, MB, PDF, PrivateFileField, UploadPolicy
from portal.models import AppendOnly, AppendOnlyQuerySet
from portal.workflow import Transition, Workflow
from projects import rules
from projects.choices import COUNTED_CONSENT, Consent, ParticipantRole

# Calls of this kind support a project with at most 100억 원 of government funding.
MAX_FUNDING_CAP = 10_000_000_000

# The proposal and its annexes: the documents Korean public bodies exchange (PDF, Hangul).
PROPOSAL_DOCUMENT_UPLOAD = UploadPolicy(prefix="proposals", kinds=(PDF, HWP, HWPX), max_bytes=20 * MB)
ANNEX_UPLOAD = UploadPolicy(prefix="proposal-annexes", kinds=(PDF, HWP, HWPX), max_bytes=20 * MB)


def percent_field(verbose_name, default, help_text=""):
    return models.PositiveSmallIntegerField(verbose_name, default=default, help_text=help_text)


class CallQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now=None):
        return self.filter(opens_at__gt=now or timezone.now())

    def past(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now())

    def next_change(self, now):
        """The next time a call opens or closes (None if none will)."""
        times = self.aggregate(
            opens=models.Min("opens_at", filter=models.Q(opens_at__gt=now)),
            closes=models.Min("closes_at", filter=models.Q(closes_at__gt=now)),
        )
        return min((t for t in times.values() if t is not None), default=None)


class Call(models.Model):
    """A call for proposals (공모) with its own cap and the funding rules it applies."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    funding_cap = models.PositiveBigIntegerField(
        _("government funding cap per project (KRW)"),
        default=MAX_FUNDING_CAP,
        help_text=_("At most 10,000,000,000 KRW (100억 원)."),
    )
    max_months = models.PositiveSmallIntegerField(_("maximum project length (months)"), default=36)
    expected_projects = models.PositiveSmallIntegerField(_("projects expected to be selected"), default=10)

    gov_share_large = percent_field(_("government share limit, large enterprises (%)"), 50)
    gov_share_midsize = percent_field(_("government share limit, mid-sized enterprises (%)"), 70)
    gov_share_sme = percent_field(_("government share limit, SMEs (%)"), 75)
    gov_share_institution = percent_field(_("government share limit, institutions (%)"), 100)
    cash_min_large = percent_field(_("minimum cash in private contribution, large enterprises (%)"), 15)
    cash_min_midsize = percent_field(_("minimum cash in private contribution, mid-sized enterprises (%)"), 13)
    cash_min_sme = percent_field(_("minimum cash in private contribution, SMEs (%)"), 10)
    # 공기업 (issue 14): for-profit under the national R&D cost rules, so the large enterprises' defaults.
    gov_share_public_enterprise = percent_field(_("government share limit, public enterprises (%)"), 50)
    cash_min_public_enterprise = percent_field(_("minimum cash in private contribution, public enterprises (%)"), 15)
    sme_midsize_min_share = percent_field(
        _("minimum share of government funding for SMEs and mid-sized firms (%)"), 50
    )
    demand_company_required = models.BooleanField(_("a demand company must take part"), default=True)

    # Review by panels (issue 16): how the panel score is formed and what the applicant sees after the decision.
    drop_extremes = models.BooleanField(
        _("drop the highest and lowest reviewer totals"), default=True,
        help_text=_("Applies when five or more reviewers have scored a proposal."),
    )
    disclose_rank_band = models.BooleanField(
        _("show applicants their rank band"), default=False,
        help_text=_("After the decision: top 10%, top 25%, top 50% or lower half of the call's scored proposals."),
    )
    disclose_evaluators = models.BooleanField(
        _("show applicants the evaluators' names and affiliations"), default=True,
        help_text=_("After the decision, as the national R&D rules have required since 2024."),
    )
    objection_days = models.PositiveSmallIntegerField(
        _("objection period (days after the decision)"), default=7,
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(
                name="call_cap_within_limit",
                condition=Q(funding_cap__gt=0, funding_cap__lte=MAX_FUNDING_CAP),
                violation_error_message=_("The funding cap must be more than 0 and at most 100억 원."),
            ),
            models.CheckConstraint(
                name="call_closes_after_opening",
                condition=Q(closes_at__gt=models.F("opens_at")),
                violation_error_message=_("A call must close after it opens."),
            ),
            models.CheckConstraint(
                name="call_max_months_positive",
                condition=Q(max_months__gt=0),
                violation_error_message=_("The maximum project length must be at least one month."),
            ),
            models.CheckConstraint(
                name="call_objection_days_positive",
                condition=Q(objection_days__gte=1, objection_days__lte=90),
                violation_error_message=_("The objection period is from 1 to 90 days."),
            ),
            models.CheckConstraint(
                name="call_percents_within_100",
                condition=Q(
                    gov_share_large__lte=100, gov_share_midsize__lte=100, gov_share_sme__lte=100,
                    gov_share_institution__lte=100, cash_min_large__lte=100, cash_min_midsize__lte=100,
                    cash_min_sme__lte=100, sme_midsize_min_share__lte=100,
                    gov_share_public_enterprise__lte=100, cash_min_public_enterprise__lte=100,
                ),
                violation_error_message=_("Percentages must be between 0 and 100."),
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def days_left(self, now=None):
        """Whole days until the closing day in Seoul: 0 on the closing day itself (D-day)."""
        today = timezone.localdate(now or timezone.now())
        return (timezone.localdate(self.closes_at) - today).days

    def latest_end(self, starts_on):
        """The last day a project starting on `starts_on` may run to."""
        return add_months(starts_on, self.max_months) - datetime.timedelta(days=1)

    def gov_share_limits(self):
        """{group: percent of a participant's own total budget that government funding may cover}."""
        Group = Organization.Group
        return {
            Group.LARGE: self.gov_share_large,
            Group.MIDSIZE: self.gov_share_midsize,
            Group.SME: self.gov_share_sme,
            Group.PUBLIC_ENTERPRISE: self.gov_share_public_enterprise,
            Group.INSTITUTION: self.gov_share_institution,
        }

    def gov_share_limit(self, organization):
        """Percent of a participant's own total budget that government funding may cover."""
        return self.gov_share_limits()[organization.group]

    def cash_minimums(self):
        """{group: minimum percent of the private contribution paid in cash}: companies and public enterprises
        have one, institutions None."""
        Group = Organization.Group
        return {
            Group.LARGE: self.cash_min_large,
            Group.MIDSIZE: self.cash_min_midsize,
            Group.SME: self.cash_min_sme,
            Group.PUBLIC_ENTERPRISE: self.cash_min_public_enterprise,
            Group.INSTITUTION: None,
        }

    def cash_minimum(self, organization):
        """Minimum percent of a company's or a public enterprise's private contribution paid in cash (None for
        institutions)."""
        return self.cash_minimums()[organization.group]

    def add_default_criteria(self):
        """Give a call without criteria the five standard ones."""
        if self.criteria.exists():
            return
        Criterion.objects.bulk_create(
            Criterion(call=self, code=code, name=str(label), sort_order=index, weight=Criterion.DEFAULT_WEIGHTS[code])
            for index, (code, label) in enumerate(Criterion.DEFAULTS.items(), start=1)
        )

    def weight_problem(self, weights=None):
        """Why the criteria's weights cannot form a panel score (they must sum to 100), or None.

        `weights` are the weights about to be saved (the admin's inline); by default the stored ones."""
        if weights is None:
            weights = list(self.criteria.values_list("weight", flat=True))
        if not weights:
            return _("The call has no review criteria.")
        if sum(weights) != 100:
            return _("The weights of the review criteria must sum to 100; they sum to %(sum)s.") % {
                "sum": sum(weights)
            }
        return None


class Criterion(models.Model):
    """One review criterion of a call, scored from 1 to its scale, with a weight: a call's weights sum to 100,
    so a reviewer's total is out of 100 (projects.scoring)."""

    DEFAULTS = {
        "feasibility": _("Technical feasibility"),
        "ai-impact": _("AI impact on productivity and quality"),
        "spread": _("Potential to spread as a standard model to other sites"),
        "cooperation": _("Consortium and supply-chain cooperation"),
        "budget": _("Budget adequacy"),
    }
    # The weights of the standard criteria (issue 16): feasibility first, the budget last.
    DEFAULT_WEIGHTS = {"feasibility": 30, "ai-impact": 25, "spread": 20, "cooperation": 15, "budget": 10}
    MAX_SCALE = 10

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    code = models.SlugField(_("code"), max_length=40, blank=True, help_text=_("Set for the standard criteria."))
    name = models.CharField(_("name"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=0, help_text=_("Points out of 100; a call's weights sum to 100."),
    )
    scale = models.PositiveSmallIntegerField(
        _("scale"), default=5, help_text=_("Scores go from 1 to this number (at most 10)."),
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.CheckConstraint(
                name="criterion_weight_within_100", condition=Q(weight__lte=100),
                violation_error_message=_("A weight is at most 100."),
            ),
            models.CheckConstraint(
                name="criterion_scale_2_to_10", condition=Q(scale__gte=2, scale__lte=10),
                violation_error_message=_("The scale goes from 2 to 10."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return str(self.DEFAULTS.get(self.code, self.name))


class AIArea(models.Model):
    """An application area of AI in manufacturing (seeded by a migration)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("AI application area")
        verbose_name_plural = _("AI application areas")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "ko").startswith("en") else self.name_ko


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, organization):
        """Proposals an organisation leads or takes part in."""
        if organization is None:
            return self.none()
        # One set of ids from two indexed lookups: "lead = x OR pk IN (...)" makes PostgreSQL read every proposal.
        led = Proposal.objects.filter(lead=organization).order_by().values("pk")
        joined = Participant.objects.filter(organization=organization).order_by().values("proposal")
        return self.filter(pk__in=led.union(joined))

    def selected(self):
        return self.filter(status=Proposal.Status.SELECTED)

    def awaiting_reply(self):
        """Proposals whose conversation (Message) has an applicant's message that staff have not answered yet, in
        the states where staff can still answer. The partial index on awaiting_reply_since serves it."""
        return self.filter(awaiting_reply_since__isnull=False, status__in=Proposal.MESSAGES_OPEN)

    def shown_publicly(self):
        """The lead projects the public sees (the call pages, each project's page, member pages, the sitemap):
        proposals decided and selected. A draft, a proposal under review or a rejected one stays with its
        consortium and the ministry."""
        return self.filter(status__in=Proposal.SHOWN_PUBLICLY)

    def average_scores(self):
        """{proposal id: mean score over its submitted reviews that were not recused, or None before any}: the rule
        of the stored `Proposal.average_score`, computed from the scores (projects.services keeps the column)."""
        averages = dict.fromkeys(self.values_list("pk", flat=True))
        rows = (
            ReviewScore.objects.filter(review__proposal__in=averages, review__recused=False,
                                       review__submitted_at__isnull=False)
            .order_by().values("review__proposal").annotate(average=Avg("score")).values_list("review__proposal",
                                                                                              "average")
        )
        averages.update(rows)
        return averages


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        SELECTED = "selected", _("Selected")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
    DECIDED = (Status.SELECTED, Status.REJECTED)
    # What the public sees of the lead projects (ProposalQuerySet.shown_publicly): the selected ones only.
    SHOWN_PUBLICLY = (Status.SELECTED,)
    # Where the conversation with staff (Message) is open, to both sides; once decided or withdrawn it is a record.
    MESSAGES_OPEN = (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED)
    # The review workflow: the lead's owners and managers submit and withdraw, deciders do the rest.
    WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This proposal"),
        states=Status,
        notice=_("The note is recorded in each proposal's history and emailed to the lead organisation's owners "
                 "and managers."),
        transitions=[
            Transition(
                "submit", frozenset(EDITABLE), Status.SUBMITTED, _("Submit"),
                pgettext_lazy("workflow verb", "submitted"), pgettext_lazy("workflow step", "submit it"),
            ),
            Transition(
                "withdraw", frozenset({Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED}),
                Status.WITHDRAWN, _("Withdraw"),
                pgettext_lazy("workflow verb", "withdrawn"), pgettext_lazy("workflow step", "withdraw it"),
            ),
            Transition(
                "start_review", frozenset({Status.SUBMITTED}), Status.UNDER_REVIEW, _("Start review"),
                pgettext_lazy("workflow verb", "put under review"), pgettext_lazy("workflow step", "start the review"),
                permission="projects.decide_proposal",
            ),
            Transition(
                "request_changes", frozenset({Status.SUBMITTED, Status.UNDER_REVIEW}), Status.CHANGES_REQUESTED,
                _("Send back for changes"),
                pgettext_lazy("workflow verb", "sent back for changes"),
                pgettext_lazy("workflow step", "ask for changes"),
                permission="projects.decide_proposal", note_required=True,
            ),
            Transition(
                "select", frozenset({Status.UNDER_REVIEW}), Status.SELECTED, _("Select for funding"),
                pgettext_lazy("workflow verb", "selected"), pgettext_lazy("workflow step", "select it"),
                permission="projects.decide_proposal",
            ),
            Transition(
                "reject", frozenset({Status.UNDER_REVIEW}), Status.REJECTED, _("Reject"),
                pgettext_lazy("workflow verb", "rejected"), pgettext_lazy("workflow step", "reject it"),
                permission="projects.decide_proposal",
            ),
        ],
    )

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("call"))
    lead = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="led_proposals", verbose_name=_("lead organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    problem = models.TextField(_("problem and objectives"))
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("industry")
    )
    ai_areas = models.ManyToManyField(AIArea, related_name="proposals", verbose_name=_("AI application areas"))
    starts_on = models.DateField(_("planned start"))
    ends_on = models.DateField(_("planned end"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    document = PrivateFileField(
        _("proposal document"), upload_to=PROPOSAL_DOCUMENT_UPLOAD.upload_to, blank=True,
        help_text=_("PDF, HWP or HWPX, at most 20 MB."),
    )
    document_name = models.CharField(_("original file name"), max_length=200, blank=True)
    # Recomputed from the budget lines by the services on every save and on submission.
    government_total = models.PositiveBigIntegerField(_("government funding requested (KRW)"), default=0)
    private_cash_total = models.PositiveBigIntegerField(_("private cash (KRW)"), default=0)
    private_in_kind_total = models.PositiveBigIntegerField(_("private in kind (KRW)"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Since when an applicant's message has waited for the alliance's answer (the oldest of its threads), or None:
    # kept by projects.services.message_post, so the admin's overview and list filter read one indexed column.
    awaiting_reply_since = models.DateTimeField(
        _("message waiting for an answer since"), null=True, blank=True, editable=False
    )
    # The mean score over the submitted reviews that were not recused (None before any), kept by the review services
    # (projects.services.average_score_refresh), so the admin shows and sorts it from an index instead of averaging
    # every proposal's scores on each page (issue 19).
    average_score = models.FloatField(_("average score"), null=True, blank=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        permissions = [
            ("score_proposal", _("Can score proposals")),
            ("decide_proposal", _("Can move proposals through review and decide them")),
        ]
        indexes = [
            # The admin lists the newest proposals first, a page at a time, and filters by submission date. Each index
            # of the list's orders includes the lead: a search walks the order checking each row's pk and lead's
            # (portal.db.search._by_keys) in the index alone.
            models.Index(fields=["-created_at", "-id"], name="proposal_newest_first", include=["lead"]),
            models.Index(fields=["submitted_at"], name="proposal_submitted_at"),
            # Few proposals wait for an answer at any time: the index holds only those.
            models.Index(fields=["awaiting_reply_since"], name="proposal_awaiting_reply",
                         condition=Q(awaiting_reply_since__isnull=False)),
            # The admin list's sortable columns (ProposalAdmin.sortable_by), each both ways: the changelist adds
            # "-pk" to either direction, so each direction needs its own index. (Not the title's with the lead: that
            # would hold every column a search's branch of the lead's proposals checks, and PostgreSQL would then read
            # the whole index rather than the lead's.)
            models.Index(fields=["title", "-id"], name="proposal_title_ascending"),
            models.Index(fields=["-title", "-id"], name="proposal_title_descending"),
            models.Index(fields=["government_total", "-id"], name="proposal_funding_ascending", include=["lead"]),
            models.Index(fields=["-government_total", "-id"], name="proposal_funding_descending", include=["lead"]),
            models.Index(fields=["average_score", "-id"], name="proposal_score_ascending", include=["lead"]),
            models.Index(fields=["-average_score", "-id"], name="proposal_score_descending", include=["lead"]),
            models.Index(fields=["submitted_at", "-id"], name="proposal_submitted_ascending", include=["lead"]),
            models.Index(fields=["-submitted_at", "-id"], name="proposal_submitted_descending", include=["lead"]),
            # The calls page counts and lists each past call's selected projects (SHOWN_PUBLICLY), by title: a few
            # rows per call, where the call's index alone would read all of its proposals.
            models.Index(fields=["call", "title", "id"], name="proposal_selected_by_call",
                         condition=Q(status="selected")),
        ]
        constraints = [
            models.CheckConstraint(
                name="proposal_ends_after_start",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The planned end must not be before the planned start."),
            ),
            models.CheckConstraint(
                name="proposal_government_within_max_cap",
                condition=Q(government_total__lte=MAX_FUNDING_CAP),
                violation_error_message=_("Government funding for one project cannot exceed 100억 원."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def is_decided(self):
        return self.status in self.DECIDED

    @property
    def is_shown_publicly(self):
        """The rule of `shown_publicly()`, for a loaded row."""
        return self.status in self.SHOWN_PUBLICLY
    @property
    def private_total(self):
        return self.private_cash_total + self.private_in_kind_total

    @property
    def budget_total(self):
        return self.government_total + self.private_total

    def clean(self):
        errors = {}
        if self.lead_id and not rules.approved_ids([self.lead_id]):
            errors["lead"] = [rules.not_approved_message(self.lead)]
        if self.call_id and self.starts_on and self.ends_on:
            for field, message in rules.period_errors(self.call, self.starts_on, self.ends_on):
                errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def recompute_totals(self):
        """Totals from the stored budget lines: the browser never supplies them."""
        totals = self.participants.counted().aggregate(
            gov=models.Sum("government_funding"), cash=models.Sum("private_cash"),
            kind=models.Sum("private_in_kind"),
        )
        self.government_total = totals["gov"] or 0
        self.private_cash_total = totals["cash"] or 0
        self.private_in_kind_total = totals["kind"] or 0

    def submission_problems(self, now=None):
        """Every rule a submission must pass, as a list of messages (empty when ready)."""
        return rules.submission_problems(self, now=now)

    def validate_for_submission(self, now=None):
        problems = self.submission_problems(now=now)
        if problems:
            raise ValidationError(problems)

    def manager_memberships(self):
        """The people who may change the proposal: the lead organisation's owners and managers."""
        return Membership.objects.managing().filter(organization_id=self.lead_id).select_related("user")

    def is_managed_by(self, membership) -> bool:
        """Whether `membership` (or None) is one of the lead's owners and managers: the rule of
        `manager_memberships()`, for a membership already read."""
        return bool(membership and membership.organization_id == self.lead_id and membership.can_manage)


class ParticipantQuerySet(models.QuerySet):
    def counted(self):
        """Lines that count toward totals and shares: the lead's and the partners' not declined or withdrawn."""
        return self.filter(consent__in=COUNTED_CONSENT)

    def partners(self):
        """Lines of the organisations other than the lead: the ones that confirm their part."""
        return self.exclude(organization_id=models.F("proposal__lead_id"))

    def requests_for(self, organization):
        """The participations `organization` was named in by another lead: its partner requests."""
        return self.filter(organization=organization).partners()


class Participant(models.Model):
    """One organisation in a consortium with its budget line (integer KRW).

    A partner (any organisation but the lead) confirms its line (참여확약): `consent` follows
    CONSENT_WORKFLOW; the lead's own line is confirmed by the lead writing it.
    """

    Role = ParticipantRole
    Consent = Consent
    CONSENT_WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This participation"),
        states=Consent,
        transitions=[
            Transition(
                "accept", frozenset({Consent.PENDING, Consent.DECLINED, Consent.WITHDRAWN}), Consent.ACCEPTED,
                _("Confirm"), pgettext_lazy("workflow verb", "confirmed"),
                pgettext_lazy("workflow step", "confirm it"),
            ),
            Transition(
                "decline", frozenset({Consent.PENDING}), Consent.DECLINED, _("Decline"),
                pgettext_lazy("workflow verb", "declined"), pgettext_lazy("workflow step", "decline it"),
            ),
            Transition(
                "withdraw", frozenset({Consent.ACCEPTED}), Consent.WITHDRAWN, _("Withdraw"),
                pgettext_lazy("workflow verb", "withdrawn"), pgettext_lazy("workflow step", "withdraw it"),
            ),
            # The lead changed the line: the partner confirms the new figures (or declines them) again.
            Transition(
                "reset", frozenset({Consent.ACCEPTED, Consent.DECLINED, Consent.WITHDRAWN}), Consent.PENDING,
                _("Ask again"), pgettext_lazy("workflow verb", "asked again"),
                pgettext_lazy("workflow step", "ask again"),
            ),
        ],
    )

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="participants", verbose_name=_("proposal")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="participations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    government_funding = models.PositiveBigIntegerField(_("government funding (KRW)"), default=0)
    private_cash = models.PositiveBigIntegerField(_("private cash (KRW)"), default=0)
    private_in_kind = models.PositiveBigIntegerField(_("private in kind (KRW)"), default=0)
    consent = models.CharField(
        _("confirmation"), max_length=20, choices=Consent.choices, default=Consent.PENDING, db_index=True
    )
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )
    consent_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    consent_note = models.TextField(_("note with the answer"), blank=True, max_length=2000)
    # The partner's own contact person for this project (optional; the partner edits it).
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_korean_phone],
        help_text=_("For example 02-1234-5678 or 010-1234-5678."),
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organization"], name="participant_once_per_proposal",
                violation_error_message=_("An organisation can take part in a proposal only once."),
            ),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(role="lead"), name="participant_one_lead",
                violation_error_message=_("A consortium has exactly one lead."),
            ),
            models.CheckConstraint(
                name="participant_amounts_not_negative",
                condition=Q(government_funding__gte=0, private_cash__gte=0, private_in_kind__gte=0),
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                name="participant_government_within_max_cap",
                condition=Q(government_funding__lte=MAX_FUNDING_CAP),
                violation_error_message=_("Government funding for one project cannot exceed 100억 원."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"

    @property
    def private_total(self):
        return self.private_cash + self.private_in_kind

    @property
    def total(self):
        return self.government_funding + self.private_total

    @property
    def is_partner(self):
        return self.organization_id != self.proposal.lead_id

    @property
    def is_counted(self):
        """The rule of `counted()`, for a loaded row."""
        return self.consent in COUNTED_CONSENT

    def manager_memberships(self):
        """The partner's owners and managers: the people asked to confirm."""
        return Membership.objects.managing().filter(organization_id=self.organization_id).select_related("user")

    def clean(self):
        try:
            proposal = self.proposal  # unsaved in a formset for a new proposal, hence no proposal_id check
        except Proposal.DoesNotExist:
            return
        if not self.organization_id:
            return
        errors = rules.line_errors(proposal.call, proposal.lead_id, rules.Line.of(self))
        if errors:
            raise ValidationError(errors)


class KPI(models.Model):
    """A measurable target: indicator, baseline, target and unit (e.g. productivity 100 → 120 %)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("proposal"))
    indicator = models.CharField(_("indicator"), max_length=200)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self):
        return self.indicator


class Annex(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="annexes", verbose_name=_("proposal")
    )
    file = PrivateFileField(_("file"), upload_to=ANNEX_UPLOAD.upload_to)
    original_name = models.CharField(_("original file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")

    def __str__(self):
        return self.original_name


class StatusChange(AppendOnly):
    """Append-only history of a proposal's workflow: written by projects.services only."""

    refused_change = _("The proposal's history cannot be changed.")
    refused_delete = _("The proposal's history cannot be deleted.")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="history", verbose_name=_("proposal")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Proposal.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Proposal.Status.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    by_staff = models.BooleanField(_("by staff"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        # The admin overview's latest decisions, read newest first from the decisions alone.
        indexes = [models.Index(fields=["-at", "-id"], name="proposal_change_decisions",
                                condition=Q(to_status__in=["selected", "rejected"]))]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ConsentChange(AppendOnly):
    """Append-only history of partners' confirmations: written by projects.services only.

    It points at the proposal and the organisation rather than the line, so a removed partner's answers stay."""

    refused_change = _("The confirmation history cannot be changed.")
    refused_delete = _("The confirmation history cannot be deleted.")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="consent_history", verbose_name=_("proposal")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    from_state = models.CharField(_("from"), max_length=20, choices=Consent.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=Consent.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("confirmation change")
        verbose_name_plural = _("confirmation changes")

    def __str__(self):
        return f"{self.organization}: {self.get_from_status_display()} → {self.get_to_state_display()}"

    def get_from_status_display(self):
        return Consent(self.from_state).label if self.from_state else "—"


class SubmissionQuerySet(AppendOnlyQuerySet):
    def to_compare(self, submission, against=""):
        """The submission of the same proposal to compare `submission` with: number `against` (as a query string
        gives it) when that names another one, else the one before (None for a first submission)."""
        against = str(against)
        numbers = [int(against)] if against.isdigit() and int(against) != submission.number else []
        numbers.append(submission.number - 1)
        found = {s.number: s for s in self.filter(proposal_id=submission.proposal_id, number__in=numbers)}
        return next((found[number] for number in numbers if number in found), None)


class Submission(AppendOnly):
    """What a proposal was when it was submitted, once for every submission (1, 2, … per proposal): its fields, its
    consortium with every budget line, its KPIs and its documents as plain data (projects.revisions), so that two
    submissions can be compared whatever the proposal became since. Written by the submit step only, in the
    step's transaction; never changed or removed (the database refuses an update too, migration 0006)."""

    refused_change = _("A submitted version cannot be changed.")
    refused_delete = _("A submitted version cannot be deleted.")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("proposal")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    # The history row of the same step: the timeline links each "submitted" to the version it sent.
    status_change = models.OneToOneField(
        StatusChange, on_delete=models.CASCADE, related_name="submission", verbose_name=_("status change")
    )
    snapshot = models.JSONField(_("snapshot"))

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"], name="submission_number_once_per_proposal",
                violation_error_message=_("Each submission of a proposal has its own number."),
            ),
            models.CheckConstraint(
                name="submission_number_from_1", condition=Q(number__gte=1),
                violation_error_message=_("Submissions are numbered from 1."),
            ),
        ]

    def __str__(self):
        return _("%(title)s, submission %(number)s") % {"title": self.snapshot["proposal"]["title"],
                                                         "number": self.number}


class SubmittedFile(AppendOnly):
    """A document as it was submitted: the proposal document or an annex, by the stored name it had then.

    The name is the proposal's (or the annex's) own stored file, not a copy: stored files are never rewritten (each
    upload gets a new random name), and a file that a row of any model names is neither deleted when the proposal
    replaces its document (portal.files.delete_file_on_commit) nor swept as an orphan (portal.files.names_in_rows).
    """

    refused_change = _("A submitted document cannot be changed.")
    refused_delete = _("A submitted document cannot be deleted.")

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Proposal document")
        ANNEX = "annex", _("Annex")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files", verbose_name=_("submitted version")
    )
    # The place in the snapshot's list of documents, from 1: the address of its download.
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Never uploaded through this field: it names a file stored for the proposal or an annex.
    file = PrivateFileField(_("file"), upload_to=PROPOSAL_DOCUMENT_UPLOAD.upload_to, db_index=True)
    original_name = models.CharField(_("original file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "position"]
        verbose_name = _("submitted document")
        verbose_name_plural = _("submitted documents")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "position"], name="submitted_file_once_per_position",
                violation_error_message=_("Each document of a submission has its own place."),
            ),
        ]

    def __str__(self):
        return self.original_name


class Review(models.Model):
    """One reviewer's assessment of a proposal, or their recusal (회피) with a reason."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("proposal")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_reviews",
        verbose_name=_("reviewer"),
    )
    comment = models.TextField(_("comment"), blank=True)
    recused = models.BooleanField(_("recused"), default=False)
    recusal_reason = models.TextField(_("reason for recusal"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the reviewer submits: the scores are locked from then on (a change needs the panel's chair).
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="review_once_per_reviewer",
                violation_error_message=_("You have already reviewed this proposal."),
            ),
            models.CheckConstraint(
                name="review_recusal_has_reason",
                condition=Q(recused=False) | ~Q(recusal_reason=""),
                violation_error_message=_("Give a reason for recusing yourself."),
            ),
        ]

    def __str__(self):
        return f"{self.proposal} / {self.reviewer}"

    def clean(self):
        if self.proposal_id and self.reviewer_id and rules.reviewer_conflict(self.proposal, self.reviewer):
            raise ValidationError(rules.CONFLICT_MESSAGE)


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review"))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["criterion__sort_order", "pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_once_per_criterion",
                violation_error_message=_("Each criterion is scored once per review."),
            ),
            # Each criterion's own scale is checked in clean(): a rule across two tables.
            models.CheckConstraint(
                name="score_between_1_and_10",
                condition=Q(score__gte=1, score__lte=10),
                violation_error_message=_("Scores go from 1 to 10."),
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"

    def clean(self):
        if self.criterion_id and self.score is not None and not 1 <= self.score <= self.criterion.scale:
            raise ValidationError(
                {"score": _("Scores go from 1 to %(scale)s.") % {"scale": self.criterion.scale}}
            )


# --- the conversation between the alliance's staff and a consortium ---------------------------------------

# A message's attachment: the documents annexes take, with the same limit (stored in a folder of its own).
MESSAGE_UPLOAD = dataclasses.replace(ANNEX_UPLOAD, prefix="proposal-messages")
# A message's length: a question and its context, not a document (that goes in the attachment).
MESSAGE_MAX = 5000


class MessageQuerySet(models.QuerySet):
    def general(self):
        """The thread between staff and the lead organisation (no partner's part)."""
        return self.filter(partner__isnull=True)

    def of_part(self, organization):
        """The sub-thread about one partner's part: the partner's messages and staff's messages to it."""
        return self.filter(partner=organization)

    def visible_to(self, organization):
        """What an organisation's people may read: every message of the proposals it leads (the lead runs the
        consortium, so it reads its partners' parts too), and the messages of its own part in the proposals it
        takes part in, while it is still in the consortium. Whose role may read is the caller's check."""
        if organization is None:
            return self.none()
        # The partner's proposals as a subquery: a join on the participants would repeat each led message.
        joined = Participant.objects.filter(organization=organization).values("proposal")
        return self.filter(Q(proposal__lead=organization) | Q(partner=organization, proposal__in=joined))


class Message(AppendOnly):
    """One message of a proposal's conversation between the alliance's staff and the consortium: append-only.

    Without `partner` it belongs to the thread between staff and the lead organisation; with `partner` to the
    sub-thread about that partner's part (the partner's own messages and staff's messages to it). The lead's
    owners and managers read both and write in the first; a partner's owners and managers read and write their
    own part only. Written by projects.services.message_post; nothing edits or deletes one.

    `partner` names the organisation rather than its budget line, as ConsentChange does: the lead may remove a
    partner's line, and the partner's messages stay on record.
    """

    class Side(models.TextChoices):
        STAFF = "staff", _("Alliance staff")
        APPLICANT = "applicant", _("Applicant")

    BODY_MAX = MESSAGE_MAX

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="messages", verbose_name=_("proposal")
    )
    partner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("about the part of"),
        help_text=_("Set for a partner's messages and for staff's messages to that partner."),
    )
    side = models.CharField(_("written by"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"), max_length=BODY_MAX, validators=[MaxLengthValidator(BODY_MAX)])
    attachment = PrivateFileField(
        _("attachment"), upload_to=MESSAGE_UPLOAD.upload_to, blank=True,
        help_text=_("PDF, HWP or HWPX, at most 20 MB."),
    )
    attachment_name = models.CharField(_("original file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        permissions = [("message_applicants", _("Can write to applicants in proposals' conversations"))]
        indexes = [models.Index(fields=["proposal", "created_at"], name="message_thread_order")]
        constraints = [
            models.CheckConstraint(
                name="message_has_a_body", condition=~Q(body=""),
                violation_error_message=_("Write a message."),
            ),
            models.CheckConstraint(
                name="message_body_within_limit", condition=LessThanOrEqual(Length("body"), MESSAGE_MAX),
                violation_error_message=_("A message has at most 5,000 characters."),
            ),
            models.CheckConstraint(
                name="message_side_known", condition=Q(side__in=["staff", "applicant"]),
                violation_error_message=_("A message is written by staff or by the applicant."),
            ),
            models.CheckConstraint(
                name="message_attachment_named", condition=Q(attachment="") | ~Q(attachment_name=""),
                violation_error_message=_("An attachment keeps its original name."),
            ),
        ]

    def __str__(self):
        return f"{self.proposal} · {self.get_side_display()} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def is_from_staff(self):
        return self.side == self.Side.STAFF

    def clean(self):
        if not self.proposal_id or not self.partner_id:
            return
        # A partner's part exists while the organisation is one of the proposal's partners (not its lead).
        if self.partner_id == self.proposal.lead_id or not Participant.objects.filter(
            proposal_id=self.proposal_id, organization_id=self.partner_id
        ).exists():
            raise ValidationError({"partner": _("This organisation is not a partner in the proposal.")})


def unanswered(rows):
    """{partner id, or None for the lead's thread: when its oldest message still waiting for staff was sent}.

    `rows` are (partner id, side, sent at) in the order the messages were sent. A thread waits from the first
    applicant's message after staff last wrote in it; a staff message in it answers everything before."""
    waiting = {}
    for partner_id, side, at in rows:
        if side == Message.Side.STAFF:
            waiting.pop(partner_id, None)
        else:
            waiting.setdefault(partner_id, at)
    return waiting


# --- review panels (평가위원회): evaluators, conflicts (제척·회피), 기피 and 이의신청 (issue 16) ---------------------

# What an applicant attaches to an objection: the documents Korean public bodies exchange.
OBJECTION_UPLOAD = UploadPolicy(prefix="objections", kinds=(PDF, HWP, HWPX), max_bytes=20 * MB)


class ReviewerProfile(models.Model):
    """What the portal knows of an evaluator (a ministry reviewer or an outside professor or researcher): shown to
    applicants after the decision when the call says so, and read for the automatic conflict grounds."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile", verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    affiliation = models.CharField(_("affiliation"), max_length=200)
    affiliation_organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("affiliation as a member of the alliance"),
        help_text=_("When the evaluator's own organisation is a member: proposals it takes part in are excluded."),
    )
    field = models.CharField(_("field of expertise"), max_length=200, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("evaluator profile")
        verbose_name_plural = _("evaluator profiles")

    def __str__(self):
        return f"{self.name} ({self.affiliation})"


class FormerEmployer(models.Model):
    profile = models.ForeignKey(
        ReviewerProfile, on_delete=models.CASCADE, related_name="former_employers", verbose_name=_("evaluator"),
    )
    name = models.CharField(_("employer"), max_length=200)
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("employer as a member of the alliance"),
    )
    from_year = models.PositiveSmallIntegerField(_("from (year)"))
    until_year = models.PositiveSmallIntegerField(_("until (year)"))

    class Meta:
        ordering = ["-until_year", "pk"]
        verbose_name = _("former employer")
        verbose_name_plural = _("former employers")
        constraints = [
            models.CheckConstraint(
                name="former_employer_years_in_order", condition=Q(until_year__gte=models.F("from_year")),
                violation_error_message=_("The employment cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.from_year}–{self.until_year})"

    def is_recent(self, today):
        """Whether the employment ended recently enough to be a conflict (projects.rules.conflict_organizations)."""
        return self.until_year >= today.year - rules.FORMER_EMPLOYER_YEARS


class Panel(models.Model):
    """An evaluation committee (평가위원회) for a call or a round of it: members with one chair, and the proposals
    it evaluates (each proposal in one panel at most). Staff close its scoring; only then do members see each
    other's scores."""

    class Status(models.TextChoices):
        OPEN = "open", _("Scoring open")
        CLOSED = "closed", _("Scoring closed")

    WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This panel"),
        states=Status,
        notes=False,
        notice=_("Members can no longer change their scores, and those who submitted theirs see the others'."),
        transitions=[
            Transition(
                "close_scoring", frozenset({Status.OPEN}), Status.CLOSED, _("Close scoring"),
                pgettext_lazy("workflow verb", "closed"), pgettext_lazy("workflow step", "close the scoring"),
                permission="projects.decide_proposal",
            ),
        ],
    )

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="panels", verbose_name=_("call"))
    round_name = models.CharField(_("round"), max_length=100, blank=True, help_text=_("For example 1차 서면평가."))
    starts_at = models.DateTimeField(
        _("evaluation starts"), help_text=_("Applicants may ask to exclude an evaluator (기피) until then."),
    )
    deadline = models.DateTimeField(_("scoring deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("scoring closed at"), null=True, blank=True)
    chair_notified_at = models.DateTimeField(_("chair told all scores are in"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("review panel")
        verbose_name_plural = _("review panels")
        constraints = [
            models.CheckConstraint(
                name="panel_deadline_after_start", condition=Q(deadline__gt=models.F("starts_at")),
                violation_error_message=_("The scoring deadline must be after the evaluation starts."),
            ),
        ]

    def __str__(self):
        return f"{self.call} · {self.round_name}" if self.round_name else str(self.call)

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members", verbose_name=_("panel"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats", verbose_name=_("evaluator"),
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    # The one reminder before the deadline (projects.tasks.send_review_reminders).
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        ordering = ["-is_chair", "pk"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"], name="panel_member_once",
                violation_error_message=_("This evaluator already sits on the panel."),
            ),
            models.UniqueConstraint(
                fields=["panel"], condition=Q(is_chair=True), name="panel_one_chair",
                violation_error_message=_("A panel has one chair."),
            ),
        ]

    def __str__(self):
        return str(self.user)

    def clean(self):
        if self.user_id and not (self.user.is_active and self.user.is_staff
                                 and self.user.has_perm("projects.score_proposal")):
            raise ValidationError({"user": _("Only active staff in the group “Project reviewers” can evaluate.")})


class PanelProposal(models.Model):
    """A proposal assigned to a panel: its members evaluate it."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("panel"))
    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="panel_assignment", verbose_name=_("proposal"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("assigned proposal")
        verbose_name_plural = _("assigned proposals")

    def __str__(self):
        return str(self.proposal)

    def clean(self):
        if self.panel_id and self.proposal_id:
            if self.proposal.call_id != self.panel.call_id:
                raise ValidationError({"proposal": _("The proposal belongs to another call than the panel.")})
            if self.proposal.status in (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN):
                raise ValidationError({"proposal": _("Only submitted proposals are evaluated.")})


class ConflictDeclaration(models.Model):
    """A panel member's declaration for one proposal, made before they see its content: no conflict of interest, or
    a conflict with its ground and reason (회피), which excludes them from the proposal entirely. The grounds the
    portal detects itself (projects.rules.automatic_conflict) exclude without any declaration."""

    class Ground(models.TextChoices):
        NONE = "none", _("No conflict of interest")
        OWN_ORGANISATION = "own_organisation", _("Own organisation in the consortium")
        FORMER_EMPLOYER = "former_employer", _("Former employer in the consortium within 3 years")
        RELATIVE = "relative", _("A relative works for a consortium member")
        JOINT_RESEARCH = "joint_research", _("Joint research with a consortium member in the last 3 years")
        COMPETING = "competing", _("Involved in a competing proposal")
        TEACHER_STUDENT = "teacher_student", _("Teacher and student")
        OTHER = "other", _("Other")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="conflict_declarations", verbose_name=_("proposal"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluator"),
    )
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        ordering = ["declared_at", "pk"]
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="conflict_declared_once",
                violation_error_message=_("You have already declared for this proposal."),
            ),
            models.CheckConstraint(
                name="conflict_has_reason", condition=Q(ground="none") | ~Q(reason=""),
                violation_error_message=_("Give the reason for the conflict of interest."),
            ),
        ]

    def __str__(self):
        return f"{self.proposal} / {self.reviewer}: {self.get_ground_display()}"

    @property
    def has_conflict(self):
        return self.ground != self.Ground.NONE


class Decision(models.TextChoices):
    """Where a 기피 request or an objection stands."""

    PENDING = "pending", _("Waiting for a decision")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


def _decision_workflow(subject, notice, *, note_required_to_uphold):
    return Workflow(
        subject=subject,
        states=Decision,
        notice=notice,
        transitions=[
            Transition(
                "uphold", frozenset({Decision.PENDING}), Decision.UPHELD, _("Uphold"),
                pgettext_lazy("workflow verb", "upheld"), pgettext_lazy("workflow step", "uphold it"),
                permission="projects.decide_proposal", note_required=note_required_to_uphold,
            ),
            Transition(
                "dismiss", frozenset({Decision.PENDING}), Decision.DISMISSED, _("Dismiss"),
                pgettext_lazy("workflow verb", "dismissed"), pgettext_lazy("workflow step", "dismiss it"),
                permission="projects.decide_proposal", note_required=True,
            ),
        ],
    )


class ChallengeRequest(models.Model):
    """The lead's request to exclude an evaluator (기피신청), made before the evaluation starts.

    The lead does not know the panel (its members are disclosed after the decision), so it names the person; staff
    match the name to a panel member, if one is, and uphold or dismiss the request. An upheld request excludes that
    member from the proposal."""

    Status = Decision
    WORKFLOW = _decision_workflow(
        pgettext_lazy("workflow subject", "This request"),
        _("The note is recorded with the request and emailed to the lead organisation's owners and managers. "
          "Upholding it excludes the matched panel member from the proposal."),
        note_required_to_uphold=False,
    )

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="challenges", verbose_name=_("proposal"),
    )
    person_name = models.CharField(_("evaluator's name"), max_length=100)
    person_affiliation = models.CharField(_("evaluator's affiliation"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("matching panel member"),
        help_text=_("Staff pick the panel member the lead means, if any, before upholding."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("request to exclude an evaluator (기피)")
        verbose_name_plural = _("requests to exclude an evaluator (기피)")

    def __str__(self):
        return f"{self.proposal}: {self.person_name}"


class Objection(models.Model):
    """The lead's objection to the result (이의신청), within the call's period after the decision, with a reason and
    a document; staff uphold or dismiss it with a note."""

    Status = Decision
    WORKFLOW = _decision_workflow(
        pgettext_lazy("workflow subject", "This objection"),
        _("The note is recorded in the proposal's timeline and emailed to the lead organisation's owners and "
          "managers."),
        note_required_to_uphold=True,
    )

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="objections", verbose_name=_("proposal"),
    )
    reason = models.TextField(_("reason"), max_length=5000)
    document = PrivateFileField(
        _("supporting document"), upload_to=OBJECTION_UPLOAD.upload_to,
        help_text=_("PDF, HWP or HWPX, at most 20 MB."),
    )
    document_name = models.CharField(_("original file name"), max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("objection (이의신청)")
        verbose_name_plural = _("objections (이의신청)")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"], name="objection_once_per_proposal",
                violation_error_message=_("An objection to this result has already been filed."),
            ),
        ]

    def __str__(self):
        return f"{self.proposal}: {self.get_status_display()}"


class ReviewReopening(models.Model):
    """The chair unlocked a submitted review so its reviewer may change it: who, why, and the scores before."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reopenings", verbose_name=_("review"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    reason = models.TextField(_("reason"), max_length=2000)
    scores_before = models.JSONField(_("scores before"), default=dict)
    comment_before = models.TextField(_("comment before"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("reopened review")
        verbose_name_plural = _("reopened reviews")

    def __str__(self):
        return f"{self.review} ({self.at:%Y-%m-%d})"
