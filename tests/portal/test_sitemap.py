"""/sitemap.xml: the fixed pages and articles (news), every call, the selected projects and the members'
own pages, with the time each last changed where the row keeps one."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Organization
from projects.models import Proposal
from tests import personas

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.find("s:loc", NS).text.removeprefix("http://testserver"): getattr(url.find("s:lastmod", NS), "text", None)
        for url in root.findall("s:url", NS)
    }


@pytest.fixture
def world(db):
    call = personas.call(opens=-90, closes=-30)
    lead = personas.organization("대형제조", tier=Organization.Tier.LARGE, public_page=True)
    partner = personas.organization("중소부품", public_page=True)
    return {
        "call": call,
        "selected": personas.ready_proposal(call, lead=lead, partner=partner, status=Proposal.Status.SELECTED),
        "rejected": personas.ready_proposal(call, lead=lead, status=Proposal.Status.REJECTED),
        "lead": lead, "partner": partner,
        "unlisted": personas.organization("비공개", public_page=True, listed_in_directory=False),
        "pending": personas.organization("대기", public_page=True, status=Organization.Status.PENDING),
        "no_page": personas.organization("목록만"),
    }


def test_the_sitemap_lists_calls_selected_projects_and_member_pages(client, world):
    found = entries(client)
    assert reverse("projects:call-detail", args=[world["call"].pk]) in found
    assert reverse("projects:project-detail", args=[world["selected"].pk]) in found
    assert {reverse("organizations:detail", args=[world[k].pk]) for k in ("lead", "partner")} <= found.keys()


def test_the_sitemap_leaves_out_what_the_public_cannot_open(client, world):
    found = entries(client)
    assert reverse("projects:project-detail", args=[world["rejected"].pk]) not in found
    for key in ("unlisted", "pending", "no_page"):
        assert reverse("organizations:detail", args=[world[key].pk]) not in found, key


def test_projects_and_member_pages_say_when_they_last_changed(client, world):
    found = entries(client)
    project = reverse("projects:project-detail", args=[world["selected"].pk])
    member = reverse("organizations:detail", args=[world["lead"].pk])
    # The sitemap writes the day in Seoul (the site's time zone): from 15:00 UTC that is already tomorrow.
    assert found[project] == timezone.localdate(world["selected"].updated_at).isoformat()
    assert found[member] == timezone.localdate(world["lead"].updated_at).isoformat()
    assert found[reverse("projects:call-detail", args=[world["call"].pk])] is None  # a call keeps no such time


@pytest.mark.parametrize("extra", [0, 5])
def test_the_sitemap_runs_the_same_queries_whatever_the_rows(client, world, extra, django_assert_num_queries):
    for i in range(extra):
        personas.ready_proposal(world["call"], status=Proposal.Status.SELECTED, title=f"과제{i}")
        personas.organization(f"회원{i}", public_page=True)
    client.get("/")  # the page cache's own reads settle first
    # a count and a page for each section with rows: articles (none here), calls, projects, member pages, standard
    # models (none here)
    with django_assert_num_queries(8):
        entries(client)
