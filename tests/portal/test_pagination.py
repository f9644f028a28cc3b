"""DeferredJoinPaginator (portal.pagination): the pages Paginator gives, read ids first."""

import pytest
from django.core.paginator import Paginator

from members.models import Membership, Organization
from portal import pagination
from portal.pagination import DeferredJoinPaginator
from tests import personas

pytestmark = pytest.mark.django_db


def test_every_page_holds_the_rows_of_a_plain_paginator():
    for i in range(7):
        personas.organization(f"회사{i % 3}", status=Organization.Status.APPROVED)
    rows = Organization.objects.select_related("industry").order_by("name", "-pk")
    plain, deferred = Paginator(rows, 3, orphans=1), DeferredJoinPaginator(rows, 3, orphans=1)
    assert plain.num_pages == deferred.num_pages == 2
    for number in plain.page_range:
        assert list(deferred.page(number)) == list(plain.page(number))
        assert all(org.industry for org in deferred.page(number))  # select_related kept


def test_a_known_count_is_not_counted_again(django_assert_num_queries):
    personas.organization("한결정밀", status=Organization.Status.APPROVED)
    paginator = DeferredJoinPaginator(Organization.objects.order_by("pk"), 20)
    paginator.count = 1
    with django_assert_num_queries(2):  # the ids, then the rows
        assert len(paginator.page(1)) == 1


def test_a_count_limit_counts_no_further_and_says_there_were_more(django_assert_num_queries):
    for i in range(5):
        personas.organization(f"한결{i}", status=Organization.Status.APPROVED)
    rows = Organization.objects.order_by("name", "pk")
    capped = DeferredJoinPaginator(rows, 2, count_limit=3)
    with django_assert_num_queries(1):
        assert capped.count == 3
    assert capped.count_capped and capped.num_pages == 2
    assert [o.name for o in capped.page(2)] == ["한결2"]  # the pages end at the limit
    exact = DeferredJoinPaginator(rows, 2, count_limit=5)
    assert exact.count == 5 and not exact.count_capped


def test_an_estimated_count_behind_the_rows_does_not_cut_the_last_page_short():
    for i in range(5):
        personas.organization(f"한결{i}", status=Organization.Status.APPROVED)
    rows = Organization.objects.order_by("name", "pk")
    paginator = DeferredJoinPaginator(rows, 3, estimated_count=4)  # one organisation joined since the count
    assert paginator.num_pages == 2
    assert [o.name for o in paginator.page(2)] == ["한결3", "한결4"]


def test_a_page_of_a_filter_across_a_join_holds_each_matching_row_once(django_assert_num_queries):
    # The rows are loaded by their ids alone (the filter was checked when the ids were read), with the filter's join.
    for i in range(5):
        org = personas.organization(f"회사{i}", status=Organization.Status.APPROVED)
        for _ in range(i % 3):  # zero, one or two members besides the owner
            personas.member(org)
    rows = Organization.objects.filter(memberships__role=Membership.Role.MEMBER).distinct().order_by("name", "pk")
    plain, deferred = Paginator(rows, 2), DeferredJoinPaginator(rows, 2)
    assert [o.name for o in plain.page(1)] == ["회사1", "회사2"] and deferred.count == 3
    for number in plain.page_range:
        with django_assert_num_queries(2):  # the ids, then the rows
            page = list(deferred.page(number))
        assert page == list(plain.page(number))


@pytest.fixture
def twelve_members(db):
    # Names with ties, so that the order's second field decides between some neighbours.
    return [personas.organization(f"회사{i % 5}", status=Organization.Status.APPROVED) for i in range(12)]


@pytest.mark.parametrize("order", [("name", "pk"), ("-created_at", "pk"), ("-name", "-pk")])
def test_marks_start_each_page_where_the_offset_would(twelve_members, order):
    rows = Organization.objects.select_related("industry").order_by(*order)
    marks = pagination.marks(rows, every=4)
    assert marks["order"] == list(order) and len(marks["values"]) == 2  # rows 4 and 8 of 12
    plain, marked = Paginator(rows, 3), DeferredJoinPaginator(rows, 3, marks=marks)
    for number in plain.page_range:
        assert list(marked.page(number)) == list(plain.page(number))


def test_a_deep_page_starts_from_its_mark_not_from_the_first_row(twelve_members):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = Organization.objects.order_by("name", "pk")
    marked = DeferredJoinPaginator(rows, 2, marks=pagination.marks(rows, every=4), estimated_count=12)
    with CaptureQueriesContext(connection) as queries:
        assert list(marked.page(6)) == list(rows[10:12])
    ids_query = queries.captured_queries[0]["sql"]
    assert "LIMIT 2 OFFSET 2" in ids_query and "OFFSET 10" not in ids_query  # 8 rows skipped by the mark


def test_marks_of_another_order_are_not_used(twelve_members):
    rows = Organization.objects.order_by("name", "pk")
    other = DeferredJoinPaginator(Organization.objects.order_by("-name", "-pk"), 3, marks=pagination.marks(rows, 4))
    assert other.marks == []
    assert list(other.page(4)) == list(Organization.objects.order_by("-name", "-pk")[9:12])


def test_marks_a_moment_behind_a_change_still_give_rows_in_order(twelve_members):
    rows = Organization.objects.listed().order_by("name", "pk")
    marks = pagination.marks(rows, every=4)
    # Three fewer listed, before each mark and after the last.
    Organization.objects.filter(pk__in=[org.pk for org in twelve_members[:3]]).update(listed_in_directory=False)
    paginator = DeferredJoinPaginator(rows, 3, marks=marks, estimated_count=12)
    shown = [org.pk for number in paginator.page_range for org in paginator.page(number)]
    # A page after a mark starts early by the rows removed before it: it repeats rows, it loses none.
    assert list(dict.fromkeys(shown)) == list(rows.values_list("pk", flat=True))
