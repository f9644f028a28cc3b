"""Status mails carry an absolute link, on the site's address (PORTAL_SITE_URL), to the page they talk
about; the link opens that page for the person the mail went to."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import resolve, reverse

from members import services as members
from members.models import Membership, Organization
from projects import services as projects
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db


def link_in(message, settings):
    urls = re.findall(r"https?://\S+", message.body)
    assert len(urls) == 1, message.body
    assert urls[0].startswith(settings.PORTAL_SITE_URL + "/")
    return urls[0].removeprefix(settings.PORTAL_SITE_URL)


def opened_by(user, path):
    client = Client()
    client.force_login(user)
    return client.get(path)


def test_the_site_address_comes_from_settings_not_from_the_request(settings, client):
    settings.PORTAL_SITE_URL = "https://portal.example.kr"
    owner = personas.user()
    org = personas.organization(owner=owner)
    client.force_login(owner)
    client.post(reverse("my:invite"), {"email": "guest@example.com", "role": "member",
                                        **personas.form_once(client, "my:invite")}, headers={"host": "localhost"})
    run_tasks()
    assert org.invitations.count() == 1
    assert re.search(r"https://portal\.example\.kr/members/invitations/\S+", mail.outbox[-1].body)
    assert "localhost" not in mail.outbox[-1].body


def test_an_invitation_links_to_its_accept_page(settings):
    owner = personas.user()
    org = personas.organization(owner=owner)
    _, token = members.invitation_create(organization=org, email="guest@example.com", by=owner)
    run_tasks()
    path = link_in(mail.outbox[-1], settings)
    assert path == reverse("members:invitation", args=[token])
    response = opened_by(personas.user("guest@example.com"), path)
    assert response.status_code == 200 and org.name in response.text


@pytest.mark.parametrize("decide, note", [
    (members.organization_approve, ""), (members.organization_request_changes, "사업자등록증을 다시 올려 주세요"),
    (members.organization_reject, "요건 미달"),
])
def test_a_membership_decision_links_to_the_company_page(settings, decide, note):
    owner = personas.user()
    org = personas.organization(owner=owner, status=Organization.Status.PENDING)
    decide(organization=org, by=personas.staff(group=personas.MEMBERSHIP_REVIEWERS), note=note)
    run_tasks()
    path = link_in(mail.outbox[-1], settings)
    assert resolve(path).view_name == "my:dashboard"
    assert org.name in opened_by(owner, path).text


def test_a_proposal_notice_links_to_the_proposal(settings):
    proposal = personas.ready_proposal()
    owner = personas.member(proposal.lead, Membership.Role.OWNER)
    projects.proposal_submit(proposal=proposal, by=owner)
    run_tasks()
    path = link_in(mail.outbox[-1], settings)
    assert path == reverse("my-proposals:detail", args=[proposal.pk])
    response = opened_by(owner, path)
    assert response.status_code == 200 and proposal.title in response.text
