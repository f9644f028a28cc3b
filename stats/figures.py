"""Every figure the portal publishes about itself, computed from live data in a fixed, small number of queries.

The result is plain data (numbers, codes and both languages' names). Counting every table takes time that
grows with the data (a third of a second at 100,000 organisations), so no request does it: the figures are
computed by a background task (stats.tasks.refresh_figures) and stored, in the cache and in the database
(FiguresSnapshot, so that a cleared cache does not make a visitor wait either), with the data version they
were computed at (portal.pagecache.data_version(), the portal's one freshness mechanism: a save of any
model a public page shows, however it is made, gives a new version).

`get()` answers from what is stored. When the data version has moved on since (or the figures are older
than `TTL`, the backstop for writes that send no signal), it still answers with the stored figures and
enqueues one refresh for that version: a visitor in the few seconds before the worker has run sees the
previous figures. Once the new figures are stored, `pagecache.pages_refreshed()` makes the stored pages
stale, so the next visitor's page shows them. Only when nothing was ever stored (a new database) does a
request count the figures itself.
"""

import datetime
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from delivery.models import Project
from members.models import Industry, Organization, group_expression
from portal import pagecache
from projects.models import AIArea, Call, Participant, Proposal
from projects.models import StatusChange as ProposalChange
from spread.models import AdoptionSite, Region
from stats.models import FiguresSnapshot, Target

TTL = 600  # seconds: figures older than this are computed again, the backstop for writes that send no signal
# The shape of the figures: changed when a field or a group is added (2: public enterprises, issue 14), so that
# figures stored by the previous release are not read by this one (3: sites by region, completed projects; issue 17).
FORMAT = 3
CACHE_KEY = f"stats:figures:{FORMAT}"
# At most one refresh waits in the queue; after this long without it starting, another may be queued (a lost task).
QUEUED_KEY = f"stats:figures:{FORMAT}:queued"
QUEUED_SECONDS = 300


def get():
    """The figures: the stored ones, refreshed in the background when they are behind the data."""
    current, found = pagecache.data_version(also=[CACHE_KEY])
    entry = found.get(CACHE_KEY)
    if entry is None:
        snapshot = FiguresSnapshot.objects.filter(format=FORMAT).first()
        if snapshot is None:
            return _store(current, compute())  # nothing stored yet: the only time a request counts
        entry = (snapshot.data_version, {**snapshot.figures, "computed_at": snapshot.computed_at})
        cache.set(CACHE_KEY, entry, None)
    version, figures = entry
    if version != current or timezone.now() - figures["computed_at"] > datetime.timedelta(seconds=TTL):
        refresh_later()
    return figures


def refresh_later(**kwargs):
    """Queue one refresh unless one is waiting already (connected to pagecache.data_changed, on commit)."""
    if cache.add(QUEUED_KEY, True, QUEUED_SECONDS):
        from stats.tasks import refresh_figures

        refresh_figures.enqueue()


def data_changed(**kwargs):
    transaction.on_commit(refresh_later)


def refresh():
    """Compute and store the figures (the background task's work); returns the data version they are for."""
    cache.delete(QUEUED_KEY)  # a save from now on queues another refresh: this one may count before it
    current = pagecache.data_version()  # read first: a save while counting leaves the figures behind it
    _store(current, compute())
    # Now (the cache already holds the new figures) and again once the snapshot is committed.
    pagecache.pages_refreshed()
    transaction.on_commit(pagecache.pages_refreshed)
    return current


def _store(version, figures):
    # As JSON, as the database keeps them (no tuples), so the cache serves the shape the database does.
    plain = json.loads(json.dumps({key: value for key, value in figures.items() if key != "computed_at"},
                                  cls=DjangoJSONEncoder))
    FiguresSnapshot.objects.update_or_create(format=FORMAT, defaults={
        "data_version": version, "computed_at": figures["computed_at"], "figures": plain,
    })
    stored = {**plain, "computed_at": figures["computed_at"]}
    cache.set(CACHE_KEY, (version, stored), None)
    return stored


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
        "computed_at": datetime.datetime.now(datetime.UTC),
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
