"""Figures on the home page and the dashboard equal counts made independently, here, in Python."""

import csv
import datetime
import io
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Organization
from projects import services
from projects.models import Participant, Proposal
from stats import charts, figures
from tests.background import run_tasks

pytestmark = pytest.mark.django_db


def approved_by_tier():
    counts = Counter()
    for org in Organization.objects.all():
        if org.status == "approved":
            counts["institution" if org.kind == "institution" else org.tier] += 1
    return counts


def figure(html, key):
    """The number shown in the key figure `key` (digits only: without separators and its unit, 1,234곳)."""
    match = re.search(rf'data-figure="{key}">.*?figure-value">(.*?)</span>', html, re.S)
    return re.sub(r"\D", "", re.sub(r"<[^>]+>", "", match.group(1)))


def csv_of(client, slug):
    response = client.get(reverse("stats:chart-csv", args=[slug]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # byte-order mark, for spreadsheets
    return list(csv.reader(io.StringIO(body[1:])))


def test_home_shows_members_by_tier_industries_and_projects_as_counted(client, alliance):
    html = client.get("/").content.decode()
    tiers = approved_by_tier()
    assert figure(html, "members-large") == str(tiers["large"])
    assert figure(html, "members-sme") == str(tiers["sme"])
    industries = {o.industry_id for o in Organization.objects.all() if o.status == "approved"}
    assert figure(html, "industries") == str(len(industries))
    assert figure(html, "submitted") == str(sum(p.submitted_at is not None for p in Proposal.objects.all()))
    assert figure(html, "selected") == str(sum(p.status == "selected" for p in Proposal.objects.all()))
    assert "target: 200 by 2028" in html or "목표: 2028년까지 200" in html


def test_home_funding_figures_add_up_the_selected_budget_lines(client, alliance):
    lines = [p for p in Participant.objects.select_related("proposal") if p.proposal.status == "selected"]
    data = figures.get()
    assert data["government"] == sum(p.government_funding for p in lines)
    assert data["private"] == sum(p.private_cash + p.private_in_kind for p in lines)
    html = client.get("/").content.decode()
    assert f'<data value="{data["government"]}"' in html and f'<data value="{data["private"]}"' in html


def test_each_home_figure_links_to_its_source(client, alliance):
    html = client.get("/").content.decode()
    assert 'href="/members/?tier=large"' in html
    assert 'href="/stats/#industries"' in html and 'href="/stats/#funding"' in html
    assert f'href="{reverse("projects:call-list")}"' in html


def test_home_lists_open_calls_with_days_left(client, alliance):
    html = client.get("/").content.decode()
    assert alliance.title in html and f"D-{alliance.days_left()}" in html


def test_dashboard_tier_chart_counts_members_against_the_launch_mix(client, alliance):
    rows = csv_of(client, "tiers")
    tiers = approved_by_tier()
    companies = tiers["large"] + tiers["midsize"] + tiers["sme"]
    assert [row[1] for row in rows[1:]] == [str(tiers[t]) for t in ("large", "midsize", "sme")]
    assert rows[1][2] == str(round(100 * tiers["large"] / companies, 1))
    assert [row[3] for row in rows[1:]] == ["21", "23", "56"]


def test_dashboard_counts_proposals_per_call_by_status(client, alliance):
    rows = {row[0]: row for row in csv_of(client, "calls")[1:]}
    statuses = Counter(p.status for p in Proposal.objects.filter(call=alliance))
    header = csv_of(client, "calls")[0]
    row = rows[alliance.title]
    for index, status in enumerate(Proposal.Status, start=1):
        assert header[index] == str(status.label)
        assert int(row[index]) == statuses[status.value]
    assert int(row[-1]) == sum(statuses.values())


def test_dashboard_counts_selected_projects_by_lead_tier_and_funding_by_tier(client, alliance):
    selected = [p for p in Proposal.objects.select_related("lead") if p.status == "selected"]
    lead_rows = csv_of(client, "lead-tiers")[1:]
    assert int(lead_rows[0][1]) == sum(p.lead.tier == "large" for p in selected)
    funding = csv_of(client, "funding")[1:]
    institution_gov = sum(p.government_funding for p in Participant.objects.select_related("organization", "proposal")
                          if p.proposal.status == "selected" and p.organization.kind == "institution")
    labels = [str(group.label) for group in Organization.Group]
    assert [row[0] for row in funding] == labels
    assert int(funding[labels.index(str(Organization.Group.INSTITUTION.label))][1]) == institution_gov > 0


def test_dashboard_progress_to_the_targets(client, alliance):
    """Projects count completed projects and sites confirmed sites in use (tests/spread/test_figures.py builds both);
    the alliance here has selected projects and no running ones yet."""
    rows = {row[0]: row for row in csv_of(client, "targets")[1:]}
    assert rows["완료된 AI 자율제조 선도 프로젝트"][1:4] == ["0", "200", "0.0"]
    assert rows["표준모델을 운영 중인 확산 사업장"][1:4] == ["0", "100", "0.0"]


def test_timeline_counts_members_by_approval_month_and_projects_by_decision_month(client, alliance):
    rows = csv_of(client, "timeline")[1:]
    assert sum(int(r[1]) for r in rows) == Organization.objects.filter(status="approved",
                                                                      approved_at__isnull=False).count()
    assert sum(int(r[2]) for r in rows) == Proposal.objects.filter(status="selected").count()


def test_every_csv_matches_its_chart(client, alliance):
    response = client.get(reverse("stats:dashboard"))
    for chart in response.context["charts"]:
        rows = csv_of(client, chart.slug)
        assert rows[0] == [str(chart.label_header), *map(str, chart.columns)]
        assert rows[1:] == [[str(row.label), *map(str, row.values)] for row in chart.rows], chart.slug
        assert f'id="{chart.slug}"' in response.content.decode()


def test_every_chart_has_a_text_alternative_and_a_table(client, alliance):
    html = client.get(reverse("stats:dashboard")).content.decode()
    assert html.count('role="img" aria-label="') == len(charts.build())
    assert html.count("<details class=\"chart-table\">") == len(charts.build())
    assert "<script" not in html.split("</header>", 1)[1].split("<footer", 1)[0]


def test_an_unknown_chart_is_not_found(client, db):
    assert client.get("/stats/nothing.csv").status_code == 404


def test_targets_come_from_the_database(client, alliance):
    from stats.models import Target

    target = Target.objects.get(key="projects")
    target.value, target.year = 250, 2029
    target.save()
    html = client.get("/").content.decode()
    assert "2029" in html and "250" in html


def test_figures_refresh_in_the_background_after_a_decision(client, alliance, decider,
                                                             django_capture_on_commit_callbacks):
    before = figures.get()["selected"]
    pending = Proposal.objects.filter(status="under_review").order_by("pk").first()
    # Without a service, a change waits for the figures' time-to-live ...
    Proposal.objects.filter(pk=pending.pk).update(status="withdrawn")
    assert figures.get()["selected"] == before
    assert run_tasks() == 0
    Proposal.objects.filter(pk=pending.pk).update(status="under_review")
    # ... a decision through the service gives a new data version and queues one recount once it commits: the
    # next visitors still see the stored figures (no request counts every table) until the worker has run.
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decide(proposal=pending, by=decider, selected=True)
    assert figure(client.get("/").content.decode(), "selected") == str(before)
    assert figure(client.get("/stats/").content.decode(), "selected") == str(before)
    assert run_tasks() == 1
    # Once the worker has stored them, the pages stored meanwhile are stale and show the new figures.
    assert figure(client.get("/").content.decode(), "selected") == str(before + 1)
    assert figures.get()["selected"] == before + 1
    assert run_tasks() == 0


def test_a_cleared_cache_serves_the_figures_stored_in_the_database(client, alliance):
    from django.core.cache import cache

    from portal import derived

    derived.refresh()  # the worker
    stored = figures.get()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        again = figures.get()
    assert again["selected"] == stored["selected"] and again["computed_at"] == stored["computed_at"]
    assert len(queries) == 1  # the stored row: no count, and a GET queues nothing


def test_the_periodic_recount_catches_writes_that_send_no_signal(alliance):
    from jobs import periodic
    from portal import derived

    derived.refresh()
    before = figures.get()
    Proposal.objects.filter(status="under_review").update(status="withdrawn")  # no signal: no new version
    assert figures.get() == before and run_tasks() == 0  # a reader queues nothing
    later = timezone.now() + datetime.timedelta(seconds=derived.TTL + 1)
    assert "derived-recount" in periodic.enqueue_due(now=later)
    run_tasks()
    assert figures.get()["computed_at"] > before["computed_at"]
    assert figures.get()["calls"][0]["statuses"]["under_review"] == 0


def test_public_enterprises_are_a_column_of_their_own_in_the_figures(client, db):
    from projects.models import Participant as P
    from tests import personas

    pe = personas.organization("한결에너지공사", kind=Organization.Kind.PUBLIC_ENTERPRISE)
    prop = personas.ready_proposal(lead=pe, status=Proposal.Status.SELECTED)
    lead_gov = prop.participants.get(role=P.Role.LEAD).government_funding
    leads = {row[0]: row for row in csv_of(client, "lead-tiers")[1:]}
    funding = {row[0]: row for row in csv_of(client, "funding")[1:]}
    label = str(Organization.Group.PUBLIC_ENTERPRISE.label)
    assert int(leads[label][1]) == 1
    assert int(funding[label][1]) == lead_gov
    assert figures.compute()["members"]["public_enterprise"] == 1


def test_the_directory_counts_listed_public_enterprises_beside_the_tier_mix(client, db):
    from tests import personas

    personas.organization("누리도시개발공사", kind=Organization.Kind.PUBLIC_ENTERPRISE)
    page = client.get(reverse("members:directory"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Also listed: 1 public enterprise." in page


def test_the_counts_beside_the_tier_mix_have_thousands_separators():
    from django.template.loader import render_to_string
    from django.utils import translation

    tier_mix = {"rows": [], "public_enterprises": 1_204, "institutions": 12_345}
    for language, expected in (("en", ["Also listed: 1,204 public enterprises.", "Also listed: 12,345 institutions."]),
                               ("ko", ["공기업 1,204곳도", "기관 12,345곳도"])):
        with translation.override(language):
            page = render_to_string("stats/includes/tier_mix.html", {"tier_mix": tier_mix})
        assert all(text in page for text in expected), (language, page)
