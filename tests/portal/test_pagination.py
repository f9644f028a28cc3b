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
