"""One-time form tokens (portal.once): the first POST of a form spends its token with the object it makes,
in one transaction; any later or concurrent POST of the same form is sent to that object."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from portal import once
from portal.models import SpentFormToken
from tests import personas

PURPOSE = "my:invite"


def posted(person, token, purpose=PURPOSE):
    request = RequestFactory().post("/", {once.FIELD: token})
    request.user = person
    return request


@pytest.fixture
def erin(db):
    return personas.user("erin@example.com")


def spend(request, url="/made/1/"):
    with once.spend(request, PURPOSE) as spent:
        spent.leads_to(url)


def test_a_token_is_spent_once_and_its_second_use_leads_to_what_the_first_made(erin):
    request = posted(erin, once.issue(user=erin, purpose=PURPOSE))
    spend(request)
    with pytest.raises(once.AlreadyDone) as second:
        spend(request, "/made/2/")
    assert second.value.url == "/made/1/" and SpentFormToken.objects.count() == 1


def test_a_block_that_fails_leaves_its_token_unspent(erin):
    request = posted(erin, once.issue(user=erin, purpose=PURPOSE))
    with pytest.raises(ValueError), once.spend(request, PURPOSE):
        raise ValueError("the service refused")
    spend(request)  # the corrected form goes through
    assert SpentFormToken.objects.count() == 1


def test_a_fresh_form_after_the_first_makes_another(erin):
    spend(posted(erin, once.issue(user=erin, purpose=PURPOSE)))
    spend(posted(erin, once.issue(user=erin, purpose=PURPOSE)))
    assert SpentFormToken.objects.count() == 2


@pytest.mark.parametrize("token", ["", "made-up", "abc:def:ghi"])
def test_a_missing_or_forged_token_is_refused(erin, token):
    with pytest.raises(once.Expired):
        spend(posted(erin, token))


def test_a_token_is_for_one_person_and_one_form(erin):
    frank = personas.user("frank@example.com")
    with pytest.raises(once.Expired):
        spend(posted(frank, once.issue(user=erin, purpose=PURPOSE)))
    with pytest.raises(once.Expired):
        spend(posted(erin, once.issue(user=erin, purpose="members:register")))


def test_a_token_older_than_its_age_limit_is_refused(erin, monkeypatch):
    token = once.issue(user=erin, purpose=PURPOSE)
    monkeypatch.setattr(once, "MAX_AGE", datetime.timedelta(seconds=-1))  # as if a day had passed
    with pytest.raises(once.Expired):
        spend(posted(erin, token))


def test_spent_tokens_are_forgotten_once_they_could_no_longer_be_presented(erin, django_capture_on_commit_callbacks):
    old = SpentFormToken.objects.create(nonce="0" * 32, purpose=PURPOSE,
                                        spent_at=timezone.now() - once.MAX_AGE - datetime.timedelta(minutes=1))
    young = SpentFormToken.objects.create(nonce="1" * 32, purpose=PURPOSE, spent_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        spend(posted(erin, once.issue(user=erin, purpose=PURPOSE)))
    assert not SpentFormToken.objects.filter(pk=old.pk).exists()
    assert SpentFormToken.objects.filter(pk=young.pk).exists() and SpentFormToken.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_posts_the_second_waits_for_the_first_and_is_sent_to_its_object():
    erin = personas.user("erin@example.com")
    token = once.issue(user=erin, purpose=PURPOSE)
    first_holds, first_may_commit = threading.Event(), threading.Event()
    second = {}

    def first():
        try:
            with once.spend(posted(erin, token), PURPOSE) as spent:
                spent.leads_to("/made/first/")
                first_holds.set()
                first_may_commit.wait(10)
        finally:
            connection.close()

    def later():
        try:
            spend(posted(erin, token), "/made/second/")
            second["outcome"] = "made another"
        except once.AlreadyDone as done:
            second["outcome"] = done.url
        finally:
            connection.close()

    a = threading.Thread(target=first)
    a.start()
    assert first_holds.wait(10)
    b = threading.Thread(target=later)
    b.start()
    b.join(0.5)
    assert b.is_alive()  # waiting on the unique index, not past it
    first_may_commit.set()
    a.join(10)
    b.join(10)
    assert second["outcome"] == "/made/first/"
    assert list(SpentFormToken.objects.values_list("result_url", flat=True)) == ["/made/first/"]
    assert not transaction.get_connection().in_atomic_block
