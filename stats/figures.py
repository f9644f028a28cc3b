"""Every figure the portal publishes about itself, computed from live data in a fixed, small number of queries.

The result is plain data (numbers, codes and both languages' names). Counting every table takes time that grows
with the data, so no request does it: the figures are a value of portal.derived (registered by stats.apps), counted
by the task worker after each change (and every ten minutes) and stored; `get()` answers from what is stored.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from delivery.models import Project
from members.models import Industry, Organization, group_expression
from portal import derived
from projects.models import AIArea, Call, Participant, Proposal
from projects.models import StatusChange as ProposalChange
from spread.models import AdoptionSite, Region
from stats.models import Target

NAME = "stats.figures"
# The shape of the figures: changed when a field or a group is added (2: public enterprises, issue 14), so that
# figures stored by the previous release are not read by this one (3: sites by region, completed projects; issue 17).
FORMAT = 3


def get():
    """The figures as the worker last stored them (portal.derived)."""
    return derived.get(NAME)


def _month(value):
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m")


def compute():
    """All figures, in fourteen queries whatever the amount of data."""
    approved = Organization.objects.approved()
    members = approved.count_by_group()

    industries = [
        {"code": i.code, "name_ko": i.name_ko, "name_en": i.name_en, "count": i.n}
        for i in Industry.objects.annotate(n=Count("organizations", filter=Q(organizations__status="approved")))
        .order_by("sort_order", "name_ko")
    ]

    stages = dict.fromkeys(Organization.AIStage.values, 0)
    for row in approved.values("ai_stage").annotate(n=Count("pk")).order_by():
        stages[row["ai_stage"]] = row["n"]

    calls = {
        call.pk: {"id": call.pk, "title": call.title, "statuses": dict.fromkeys(Proposal.Status.values, 0)}
        for call in Call.objects.order_by("opens_at", "pk").only("title", "opens_at")
    }
    for row in Proposal.objects.values("call", "status").annotate(n=Count("pk")).order_by():
        calls[row["call"]]["statuses"][row["status"]] = row["n"]

    selected = Proposal.objects.selected()
    totals = Proposal.objects.aggregate(
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        selected=Count("pk", filter=Q(status=Proposal.Status.SELECTED)),
    )
    by_lead = dict.fromkeys(Organization.Group.values, 0)
    for row in selected.values(g=group_expression("lead__")).annotate(n=Count("pk")).order_by():
        by_lead[row["g"]] += row["n"]

    areas = [
        {"code": a.code, "name_ko": a.name_ko, "name_en": a.name_en, "count": a.n}
        for a in AIArea.objects.annotate(n=Count("proposals", filter=Q(proposals__status="selected")))
        .order_by("sort_order", "code")
    ]

    lines = Participant.objects.filter(proposal__status=Proposal.Status.SELECTED)
    funding = {group: {"government": 0, "private": 0} for group in Organization.Group.values}
    for row in lines.values(g=group_expression("organization__")).annotate(
        gov=Sum("government_funding"), cash=Sum("private_cash"), kind=Sum("private_in_kind")
    ).order_by():
        cell = funding[row["g"]]
        cell["government"] += row["gov"] or 0
        cell["private"] += (row["cash"] or 0) + (row["kind"] or 0)
    # Sites: manufacturing sites running a standard model, counted once staff have confirmed them and only while
    # they are in use (spread.models.AdoptionSite.COUNTED), by region.
    regions = dict.fromkeys(Region.values, 0)
    for row in AdoptionSite.objects.counted().values("region").annotate(n=Count("pk")).order_by():
        regions[row["region"]] = row["n"]
    completed = Project.objects.completed().count()

    timeline = {}
    for row in approved.filter(approved_at__isnull=False).annotate(
        m=TruncMonth("approved_at")).values("m").annotate(n=Count("pk")).order_by():
        timeline.setdefault(_month(row["m"]), [0, 0])[0] += row["n"]
    for row in ProposalChange.objects.filter(
        to_status=Proposal.Status.SELECTED, proposal__status=Proposal.Status.SELECTED
    ).annotate(m=TruncMonth("at")).values("m").annotate(n=Count("proposal", distinct=True)).order_by():
        timeline.setdefault(_month(row["m"]), [0, 0])[1] += row["n"]

    targets = {
        t.key: {"label_ko": t.label_ko, "label_en": t.label_en, "value": t.value, "baseline": t.baseline,
                "progress": t.progress, "unit": t.unit, "year": t.year}
        for t in Target.objects.all()
    }
    return {
        "members": members,
        "industries": industries,
        "stages": stages,
        "calls": list(calls.values()),
        "submitted": totals["submitted"],
        "selected": totals["selected"],
        "selected_by_lead": by_lead,
        "areas": areas,
        "funding": funding,
        "government": sum(cell["government"] for cell in funding.values()),
        "private": sum(cell["private"] for cell in funding.values()),
        "sites": sum(regions.values()),
        "sites_by_region": regions,
        "completed": completed,
        "timeline": _fill_months(timeline),
        "targets": targets,
    }


def _fill_months(counts):
    """[(YYYY-MM, members joined, projects selected)] for every month from the first to the last."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:])
    rows = []
    while True:
        key = f"{year:04d}-{month:02d}"
        rows.append((key, *counts.get(key, (0, 0))))
        if key == last:
            return rows
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
