"""The staff overview on the admin index: what is waiting for someone, each linked to its filtered changelist."""

import datetime

from django.db.models import Count, Exists, Min, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from delivery.models import Project, Report
from members.models import Organization
from members.models import StatusChange as MembershipChange
from portal import derived
from projects.models import Call, Proposal, Review
from projects.models import StatusChange as ProposalChange

CLOSING_WITHIN_DAYS = 14
LATEST = 5


# Proposals under review without any review yet: counted by the worker (portal.derived; stats.apps), since the
# anti-join reads the review index once per proposal under review, a queue that grows with the alliance.
UNREVIEWED = "stats.unreviewed-proposals"


def unreviewed_proposals():
    S = Proposal.Status
    return {"count": Proposal.objects.filter(status=S.UNDER_REVIEW).filter(
        ~Exists(Review.objects.filter(proposal=OuterRef("pk")))).count()}


def _changelist(name, **params):
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def overview(user, now=None):
    """A handful of queries, whatever the amount of data; sections the user may not view are left out."""
    now = now or timezone.now()
    out = {}
    if user.has_perm("members.view_organization"):
        # Certificates of approved members, counted as the organisation list's certificate filter selects them
        # (the same conditions), and linked to that list filtered the same way.
        today = timezone.localdate(now)
        # One count per queue, each an index-only scan (the status index; the approved certificates' partial index):
        # a queue of tens of thousands costs a millisecond or two that way, where one aggregate with a FILTER per
        # queue read every candidate row from the table.
        approved = Organization.objects.filter(status=Organization.Status.APPROVED)
        out["pending_members"] = Organization.objects.filter(status=Organization.Status.PENDING).count()
        out["pending_members_url"] = _changelist("members_organization", status__exact="pending")
        out.update(
            certificates_expiring=approved.filter(Organization.certificate_expiring_q(today)).count(),
            certificates_expired=approved.filter(Organization.certificate_expired_q(today)).count(),
            certificate_warning_days=Organization.EXPIRY_WARNING_DAYS,
            certificates_expiring_url=_changelist("members_organization", certificate="expiring",
                                                  status__exact=Organization.Status.APPROVED),
            certificates_expired_url=_changelist("members_organization", certificate="expired",
                                                 status__exact=Organization.Status.APPROVED),
        )
        out["membership_decisions"] = list(
            MembershipChange.objects.exclude(to_status__in=["", Organization.Status.PENDING])
            .select_related("organization").order_by("-at", "-pk")[:LATEST]
        )
        out["membership_history_url"] = _changelist("members_organization", status__exact="approved")
    if user.has_perm("projects.view_proposal"):
        S = Proposal.Status
        unreviewed = derived.get(UNREVIEWED)["count"]  # a moment behind a change, as the admin lists' totals
        out.update(
            submitted=Proposal.objects.filter(status=S.SUBMITTED).count(),  # each count an index-only scan
            submitted_url=_changelist("projects_proposal", status__exact=S.SUBMITTED),
            under_review=Proposal.objects.filter(status=S.UNDER_REVIEW).count(), unreviewed=unreviewed,
            under_review_url=_changelist("projects_proposal", status__exact=S.UNDER_REVIEW),
            proposal_decisions=list(
                ProposalChange.objects.filter(to_status__in=Proposal.DECIDED)
                .select_related("proposal").order_by("-at", "-pk")[:LATEST]
            ),
            selected_url=_changelist("projects_proposal", status__exact=S.SELECTED),
            rejected_url=_changelist("projects_proposal", status__exact=S.REJECTED),
        )
    if user.has_perm("projects.view_proposal") and user.has_perm("projects.view_message"):
        # One query on the partial index of proposals waiting for an answer (ProposalQuerySet.awaiting_reply).
        waiting = Proposal.objects.awaiting_reply().aggregate(count=Count("pk"), oldest=Min("awaiting_reply_since"))
        out.update(
            awaiting_reply=waiting["count"], awaiting_reply_oldest=waiting["oldest"],
            awaiting_reply_url=_changelist("projects_proposal", messages="waiting"),
        )
    if user.has_perm("projects.view_call"):
        until = now + datetime.timedelta(days=CLOSING_WITHIN_DAYS)
        out["closing_calls"] = list(
            Call.objects.filter(closes_at__gt=now, closes_at__lte=until).order_by("closes_at")
            .annotate(proposal_count=Count("proposals"))
        )
        for call in out["closing_calls"]:
            call.d_day = call.days_left(now)
        out["closing_calls_url"] = _changelist(
            "projects_call", closes_at__gt=now.isoformat(), closes_at__lte=until.isoformat()
        )
    if user.has_perm("delivery.view_report"):
        # Progress reports past their due date and not submitted (ReportQuerySet.overdue), and projects that are a
        # selected proposal without a project yet, each linked to its filtered list.
        today = timezone.localdate(now)
        out.update(
            reports_overdue=Report.objects.overdue(today).count(),
            reports_overdue_url=_changelist("delivery_report", overdue="yes"),
            reports_submitted=Report.objects.filter(status=Report.Status.SUBMITTED).count(),
            reports_submitted_url=_changelist("delivery_report", status__exact=Report.Status.SUBMITTED),
        )
    if user.has_perm("delivery.view_project"):
        out.update(
            projects_in_progress=Project.objects.filter(status=Project.Status.IN_PROGRESS).count(),
            projects_url=_changelist("delivery_project", status__exact=Project.Status.IN_PROGRESS),
        )
    return out
