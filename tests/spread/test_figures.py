"""The public figures for issue 17 equal counts made here, in Python: confirmed sites in use (overall and by region)
against the 2028 target of 100, completed projects against 200, on the home page and on /stats/ (chart, table, CSV)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from delivery import services as delivery_services
from delivery.models import Project
from spread.models import AdoptionSite, Region
from stats import figures
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db


def figure(html, key):
    match = re.search(rf'data-figure="{key}">.*?figure-value">(.*?)</span>', html, re.S)
    return re.sub(r"\D", "", re.sub(r"<[^>]+>", "", match.group(1)))


def csv_rows(client, slug):
    body = client.get(reverse("stats:chart-csv", args=[slug])).content.decode("utf-8")
    return list(csv.reader(io.StringIO(body[1:])))[1:]


@pytest.fixture
def spread_world(db):
    decider = personas.staff(group=personas.PROJECT_DECIDERS)
    projects = [personas.running_project() for _ in range(3)]
    for project in projects[:2]:
        delivery_services.project_transition(project=project, action="complete", by=decider)
    model = personas.standard_model(*projects)
    for region, status, use in [("seoul", "confirmed", "in_use"), ("seoul", "confirmed", "in_use"),
                                ("busan", "confirmed", "in_use"), ("busan", "confirmed", "stopped"),
                                ("daegu", "confirmed", "planned"), ("jeju", "submitted", "in_use"),
                                ("jeju", "returned", "in_use"), ("gyeonggi", "confirmed", "in_use")]:
        personas.adoption_site(model, region=region, status=status, use=use,
                               adopted_on=None if use != "planned" else personas.certificate_valid_until(30))
    return model


def counted_by_region():
    counts = dict.fromkeys(Region.values, 0)
    for site in AdoptionSite.objects.all():
        if site.status == "confirmed" and site.use_status == "in_use":
            counts[site.region] += 1
    return counts


def completed():
    return sum(project.status == "completed" for project in Project.objects.all())


def test_home_counts_confirmed_sites_in_use_and_completed_projects(client, spread_world):
    html = client.get("/").content.decode()
    assert figure(html, "sites") == str(sum(counted_by_region().values())) == "4"
    assert figure(html, "completed") == str(completed()) == "2"
    assert "목표: 2028년까지 100" in html or "target: 100 by 2028" in html


def test_the_targets_row_counts_the_same(client, spread_world):
    rows = {row[0]: row for row in csv_rows(client, "targets")}
    sites = sum(counted_by_region().values())
    assert rows["표준모델을 운영 중인 확산 사업장"][1:4] == [str(sites), "100", str(round(100 * sites / 100, 1))]
    assert rows["완료된 AI 자율제조 선도 프로젝트"][1:4] == [str(completed()), "200",
                                                     str(round(100 * completed() / 200, 1))]


def test_the_region_chart_counts_confirmed_sites_in_use_by_region(client, spread_world):
    counts = counted_by_region()
    rows = csv_rows(client, "regions")
    assert rows == [[str(region.label), str(counts[region.value])] for region in Region]
    html = client.get(reverse("stats:dashboard")).content.decode()
    assert 'id="regions"' in html and "<details class=\"chart-table\">" in html


def test_a_site_counts_in_the_figures_only_after_confirmation_and_while_in_use(spread_world):
    decider = personas.staff(group=personas.PROJECT_DECIDERS)
    before = figures.compute()["sites"]
    site = personas.adoption_site(spread_world, status="submitted")
    assert figures.compute()["sites"] == before
    from spread import services

    services.site_transition(site=site, action="confirm", by=decider)
    assert figures.compute()["sites"] == before + 1
    owner = site.submitted_by
    services.site_update(site=site, by=owner, site_name=site.site_name, region=site.region,
                         adopted_on=site.adopted_on, use_status="stopped")
    assert figures.compute()["sites"] == before


def test_a_confirmation_refreshes_the_cached_figures(client, spread_world, django_capture_on_commit_callbacks):
    from spread import services

    site = personas.adoption_site(spread_world, status="submitted")
    before = int(figure(client.get("/").content.decode(), "sites"))
    with django_capture_on_commit_callbacks(execute=True):
        services.site_transition(site=site, action="confirm", by=personas.staff(group=personas.PROJECT_DECIDERS))
    run_tasks()  # the worker counts the figures again
    assert figure(client.get("/").content.decode(), "sites") == str(before + 1)
