"""/members/: the public directory of approved, listed members."""

import pytest
from django.urls import reverse

from members.models import Industry, Organization
from portal import derived

URL = reverse("members:directory")


@pytest.fixture
def members(make_org):
    def make(count, **fields):
        return [make_org(f"회원사{i:03d}", status="approved", **fields) for i in range(count)]

    return make


def test_only_approved_and_listed_organisations_are_shown(client, make_org):
    make_org("승인회사", status="approved")
    make_org("대기회사", status="pending")
    make_org("정지회사", status="suspended")
    make_org("비공개회사", status="approved", listed_in_directory=False)
    page = client.get(URL).content.decode()
    assert "승인회사" in page
    assert not any(name in page for name in ["대기회사", "정지회사", "비공개회사"])


def test_filters_by_kind_tier_industry_and_name(client, make_org):
    make_org("가람정밀", status="approved", tier="sme")
    make_org("나래중공업", status="approved", tier="large", industry=Industry.objects.get(code="shipbuilding"))
    make_org("다온연구원", status="approved", kind="institution")
    names = lambda **q: [o.name for o in client.get(URL, q).context["page"].object_list]  # noqa: E731
    assert names(kind="institution") == ["다온연구원"]
    assert names(tier="large") == ["나래중공업"]
    assert names(industry="shipbuilding") == ["나래중공업"]
    assert names(q="정밀") == ["가람정밀"]


def test_pages_of_twenty_keep_the_filters(client, members):
    members(25)
    response = client.get(URL, {"tier": "sme"})
    assert len(response.context["page"].object_list) == 20
    assert "tier=sme&amp;page=2" in response.content.decode()


def test_a_search_matching_more_than_the_limit_lists_the_first_and_asks_to_narrow_it(client, members, monkeypatch):
    from django.utils import translation

    from members import views

    monkeypatch.setattr(views, "DIRECTORY_COUNT_LIMIT", 30)
    monkeypatch.setattr(views, "DIRECTORY_CAPPED_ROWS", 25)
    members(35)
    with translation.override("en"):
        response = client.get(URL, {"q": "회원사", "page": "9"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.context["page"]
    assert page.number == 2 and page.paginator.count == 25 and len(page.object_list) == 5
    expected = Organization.objects.listed().filter(name__contains="회원사").order_by("name", "pk")[20:25]
    assert list(page.object_list) == list(expected)  # the first 25 in the directory's order
    assert "More than 30 members match: the first 25 are listed" in response.content.decode()
    few = client.get(URL, {"q": "회원사01"}).context["page"]  # 10 matches: counted, every one listed
    assert few.paginator.count == 10 and not few.paginator.count_capped
    unfiltered = client.get(URL).context["page"]
    assert unfiltered.paginator.count == 35 and not unfiltered.paginator.count_capped


def test_tier_mix_of_listed_members_beside_the_launch_mix(client, members, make_org):
    members(3, tier="sme")
    make_org("큰회사", status="approved", tier="large")
    rows = client.get(URL).context["tier_mix"]["rows"]
    assert [(r["count"], r["percent"], r["launch_percent"]) for r in rows] == [(1, 25, 21), (0, 0, 23), (3, 75, 56)]


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_members(client, members, django_assert_num_queries, count):
    members(count)
    derived.refresh()  # the worker has counted the listed members by group (the page count and the tier mix)
    # Industries for the filter, the page's ids, its rows, the launch mix (stats' targets); and, for the page
    # cache, the next scheduled article and the next call opening or closing. From the cache: none at all.
    with django_assert_num_queries(6):
        response = client.get(URL, {"page": 2 if count > 20 else 1})
    assert response.status_code == 200
    with django_assert_num_queries(0):
        assert client.get(URL, {"page": 2 if count > 20 else 1}).status_code == 200


def test_the_directory_counts_its_members_in_the_background(client, members, make_org,
                                                           django_capture_on_commit_callbacks):
    from tests.background import run_tasks

    members(3)
    assert client.get(URL).context["page"].paginator.count == 3  # nothing stored yet: counted once, in the request
    with django_capture_on_commit_callbacks(execute=True):
        make_org("새회원사", status="approved")
    # The page lists the new member at once; its count and mix are the worker's, a moment later.
    response = client.get(URL)
    assert "새회원사" in response.content.decode() and response.context["page"].paginator.count == 3
    assert run_tasks() == 1
    assert client.get(URL).context["page"].paginator.count == 4
