"""DeferredJoinPaginator (portal.pagination): the pages Paginator gives, read ids first."""

import pytest
from django.core.paginator import Paginator

from members.models import Membership, Organization
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
