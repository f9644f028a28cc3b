"""DeferredJoinPaginator (portal.pagination): the pages Paginator gives, read ids first."""

import pytest
from django.core.paginator import Paginator

from members.models import Organization
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
