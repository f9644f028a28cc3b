"""/my/ and /my/proposals/ are stored per organisation and viewer (portal.pagecache.scoped_page): every change
they show is there at once, the viewer's own tokens are fresh and valid, and no company sees another's page."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Membership, Organization
from tests import personas

DASHBOARD = reverse("my:dashboard")
PROPOSALS = reverse("my-proposals:list")


@pytest.fixture
def as_user():
    def login(user, **options):
        client = Client(HTTP_ACCEPT_LANGUAGE="en", **options)
        client.force_login(user)
        return client

    return login


def stored(client, path=DASHBOARD):
    """The page, fetched until it comes from the cache: the second fetch reads no organisation data."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(path).content.decode()
    assert not any("members_invitation" in q["sql"] or "projects_proposal" in q["sql"] for q in captured), \
        "the page was built again, not served as stored"
    return page


def test_a_stored_page_is_served_without_building_it_again(as_user, alice, hanbit):
    client = as_user(alice)
    page = stored(client)
    assert "한빛정밀" in page and alice.email in page
    assert "portal-hole" not in page


def test_an_invitation_sent_from_the_stored_page_shows_at_once(as_user, alice, hanbit):
    client = as_user(alice, enforce_csrf_checks=True)
    page = stored(client)
    # The stored page's forms carry this visitor's CSRF token and a fresh one-time token (portal.once).
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    once_token = re.search(r'name="form_once" value="([^"]+)"', page).group(1)
    assert once_token != re.search(r'name="form_once" value="([^"]+)"', stored(client)).group(1)
    response = client.post(reverse("my:invite"), {"email": "erin@hanbit.example", "role": "member",
                                                 "form_once": once_token, "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert "erin@hanbit.example" in client.get(DASHBOARD).content.decode()  # with the flash message
    assert "erin@hanbit.example" in stored(client)


def test_the_stored_page_holds_no_visitors_token(as_user, alice, hanbit):
    """Two sessions of one person share the stored page; each gets its own CSRF token, and only its own works."""
    first, second = (as_user(alice, enforce_csrf_checks=True) for _ in range(2))
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first_token = token.search(stored(first)).group(1)
    second_token = token.search(stored(second)).group(1)  # served from what the first session's visit stored
    data = {"email": "erin@hanbit.example", "role": "member", **personas.form_once(second, "my:invite")}
    assert second.post(reverse("my:invite"), {**data, "csrfmiddlewaretoken": first_token}).status_code == 403
    assert second.post(reverse("my:invite"), {**data, "csrfmiddlewaretoken": second_token}).status_code == 302


def test_a_withdrawn_invitation_and_a_removed_member_leave_at_once(as_user, alice, bob, hanbit):
    invitation, _token = services.invitation_create(organization=hanbit, email="erin@hanbit.example", by=alice)
    client = as_user(alice)
    page = stored(client)
    assert bob.email in page and "erin@hanbit.example" in page
    services.invitation_revoke(invitation=invitation, by=alice)
    services.membership_remove(membership=bob.membership, by=alice)
    page = client.get(DASHBOARD).content.decode()
    assert bob.email not in page and "erin@hanbit.example" not in page


def test_a_change_request_and_its_decision_show_at_once(as_user, make_org, reviewer):
    owner = personas.user("owner@nuri.example")
    org = make_org("누리정밀", owner=owner, status=Organization.Status.APPROVED)
    client = as_user(owner)
    assert "change-request-title" not in stored(client)
    change_request = services.organization_change(organization=org, by=owner, values={"representative": "박새대표"},
                                                  reason="대표 변경")
    page = client.get(DASHBOARD).content.decode()
    assert 'data-change-request="pending"' in page and "박새대표" in page
    stored(client)
    services.change_request_reject(change_request=change_request, by=reviewer, note="증빙이 없습니다")
    page = client.get(DASHBOARD).content.decode()
    assert 'data-change-request="rejected"' in page and "증빙이 없습니다" in page


def test_a_role_change_shows_at_once_to_the_person(as_user, alice, bob, hanbit):
    client = as_user(bob)
    assert reverse("my:invite") not in stored(client)
    services.membership_change_role(membership=bob.membership, role=Membership.Role.MANAGER, by=alice)
    assert reverse("my:invite") in client.get(DASHBOARD).content.decode()


def test_a_person_changing_their_address_shows_at_once(as_user, alice, bob, hanbit):
    client = as_user(alice)
    assert bob.email in stored(client)
    bob.email = "robert@hanbit.example"
    bob.save()
    assert "robert@hanbit.example" in client.get(DASHBOARD).content.decode()


def test_the_details_and_a_status_decision_show_at_once(as_user, alice, hanbit, reviewer):
    client = as_user(alice)
    stored(client)
    services.organization_request_changes(organization=hanbit, by=reviewer, note="확인서를 다시 올려 주세요")
    assert "확인서를 다시 올려 주세요" in client.get(DASHBOARD).content.decode()


def test_an_invitation_leaves_the_page_when_it_expires(as_user, alice, hanbit):
    services.invitation_create(organization=hanbit, email="erin@hanbit.example", by=alice)
    client = as_user(alice)
    assert "erin@hanbit.example" in stored(client)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        client.force_login(alice)
        assert "erin@hanbit.example" not in client.get(DASHBOARD).content.decode()


def test_each_viewer_and_each_company_gets_its_own_page(as_user, alice, bob, hanbit, mallory):
    services.invitation_create(organization=hanbit, email="erin@hanbit.example", by=alice)
    owner, member, other = as_user(alice), as_user(bob), as_user(mallory)
    for _ in range(2):  # built, then stored: neither time does another viewer's page come through
        mine, bobs, theirs = (c.get(DASHBOARD).content.decode() for c in (owner, member, other))
        assert "erin@hanbit.example" in mine and reverse("my:invite") in mine
        assert "erin@hanbit.example" not in bobs and reverse("my:invite") not in bobs
        you = '{} <span class="meta">(you)'
        assert you.format(bob.email) in bobs and you.format(alice.email) in mine
        assert "누리소재" in theirs and "한빛정밀" not in theirs
        assert alice.email not in theirs and bob.email not in theirs and "erin@hanbit.example" not in theirs
        assert "누리소재" not in mine


def test_my_proposals_shows_a_new_proposal_at_once_and_only_to_its_companies(as_user, alice, hanbit, mallory):
    from tests.projects import factories as f

    services.organization_approve(organization=hanbit, by=personas.staff("decider@ministry.example",
                                                                        group=personas.MEMBERSHIP_REVIEWERS))
    mine, theirs = as_user(alice), as_user(mallory)
    stored(mine, PROPOSALS)
    stored(theirs, PROPOSALS)
    f.ready_proposal(f.call(), lead=hanbit, title="한빛 스마트공장")
    assert "한빛 스마트공장" in mine.get(PROPOSALS).content.decode()
    assert "한빛 스마트공장" not in theirs.get(PROPOSALS).content.decode()
