"""An invitation survives sign-up: the invitee who signs up, confirms the address and signs in lands on
the invitation's page; anyone else lands on the step that fits (members.journey)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from members import services
from members.models import Membership
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase-7"
INVITEE = "erin@hanbit.example"


@pytest.fixture
def invitation_url():
    owner = personas.user()
    org = personas.organization("한빛정밀", owner=owner)
    _, token = services.invitation_create(organization=org, email=INVITEE, by=owner)
    return reverse("members:invitation", args=[token])


def sign_up(client, email, next_url=None):
    url = reverse("account_signup") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    response = client.post(url, {"email": email, "password1": PASSWORD, "password2": PASSWORD,
                                 "consent_terms": "on", "consent_collection": "on"})
    assert response.status_code == 302, response.text


def confirm(client, email):
    run_tasks()
    body = next(m.body for m in reversed(mail.outbox) if email in m.to)
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", body).group(1)
    return client.post(path)



def test_signing_up_from_the_invitation_page_leads_back_to_it_signed_in(invitation_url):
    client = Client()
    assert client.get(invitation_url).status_code == 200
    sign_up(client, INVITEE, next_url=invitation_url)
    response = confirm(client, INVITEE)
    assert response.status_code == 302 and response["Location"] == invitation_url
    page = client.get(invitation_url)
    assert page.wsgi_request.user.email == INVITEE and "한빛정밀" in page.text
    assert client.post(invitation_url).status_code == 302
    assert Membership.objects.get(user__email=INVITEE).organization.name == "한빛정밀"


def test_an_invitation_opened_before_signing_up_is_remembered_through_the_header_s_sign_up(invitation_url):
    client = Client()
    client.get(invitation_url)
    sign_up(client, INVITEE)  # the header's link: no `next`
    assert confirm(client, INVITEE)["Location"] == invitation_url


def test_confirmed_in_another_browser_the_invitee_signs_in_and_lands_on_the_invitation(invitation_url):
    first = Client()
    first.get(invitation_url)
    sign_up(first, INVITEE)
    other = Client()  # the mail opened on another device: not signed in there
    assert confirm(other, INVITEE)["Location"] == reverse("account_login")
    response = first.post(reverse("account_login"), {"login": INVITEE, "password": PASSWORD})
    assert response["Location"] == invitation_url


def test_someone_new_without_an_invitation_is_sent_to_register_their_company():
    client = Client()
    sign_up(client, "new@example.com")
    assert confirm(client, "new@example.com")["Location"] == reverse("members:register")


def test_a_member_signs_in_to_the_usual_page():
    person = personas.member(personas.organization(), Membership.Role.OWNER, password=PASSWORD)
    response = Client().post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response["Location"] == reverse("home")


def test_after_the_invitation_page_later_sign_ins_go_where_they_usually_go(invitation_url):
    client = Client()
    client.get(invitation_url)
    sign_up(client, INVITEE, next_url=invitation_url)
    confirm(client, INVITEE)
    client.get(invitation_url)  # arrived (accepted or not): forgotten
    assert client.get(reverse("members:register")).status_code == 200
    assert "members:invitation" not in client.session
