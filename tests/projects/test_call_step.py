"""An open call shows each visitor the step that fits (projects.steps.next_step), on a cached page."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Membership, Organization
from projects import steps
from tests import personas

pytestmark = pytest.mark.django_db
Role = Membership.Role


def step_on_page(client, call):
    html = client.get(reverse("projects:call-detail", args=[call.pk])).text
    marker = 'data-step="'
    return html[html.index(marker) + len(marker):].split('"', 1)[0] if marker in html else None, html


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_visitor_is_asked_to_sign_in_or_sign_up_and_comes_back_to_the_call():
    call = personas.call()
    code, html = step_on_page(Client(), call)
    back = f"next=%2Fprojects%2Fcalls%2F{call.pk}%2F"
    assert code == steps.SIGN_IN
    assert f'{reverse("account_login")}?{back}' in html and f'{reverse("account_signup")}?{back}' in html
    assert reverse("my-proposals:create", args=[call.pk]) not in html


def test_a_user_without_a_company_is_sent_to_register_it():
    code, html = step_on_page(signed_in(personas.user()), personas.call())
    assert code == steps.REGISTER and reverse("members:register") in html


@pytest.mark.parametrize("status, code", [
    (Organization.Status.PENDING, steps.WAIT),
    (Organization.Status.CHANGES_REQUESTED, steps.CHANGES),
    (Organization.Status.REJECTED, steps.NOT_A_MEMBER),
    (Organization.Status.SUSPENDED, steps.NOT_A_MEMBER),
])
def test_an_owner_of_a_company_not_approved_is_told_why_and_where_to_look(status, code):
    owner = personas.user()
    personas.organization(status=status, owner=owner)
    found, html = step_on_page(signed_in(owner), personas.call())
    assert found == code and reverse("my:dashboard") in html


def test_a_plain_member_is_told_which_roles_start_a_proposal():
    org = personas.organization()
    call = personas.call()
    found, html = step_on_page(signed_in(personas.member(org, Role.MEMBER)), call)
    assert found == steps.ASK_MANAGER
    assert "Owner / Manager" in html
    assert reverse("my-proposals:create", args=[call.pk]) not in html


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_an_owner_or_manager_of_an_approved_company_may_start(role):
    call = personas.call()
    found, html = step_on_page(signed_in(personas.member(personas.organization(), role)), call)
    assert found == steps.START and reverse("my-proposals:create", args=[call.pk]) in html


def test_the_start_button_leads_to_a_form_that_opens():
    call = personas.call()
    client = signed_in(personas.member(personas.organization(), Role.OWNER))
    assert client.get(reverse("my-proposals:create", args=[call.pk])).status_code == 200


def test_a_closed_or_upcoming_call_shows_no_step():
    for call in (personas.call(opens=-30, closes=-1), personas.call(opens=3, closes=30)):
        assert step_on_page(Client(), call)[0] is None


def test_visitors_see_their_own_step_from_one_cache_entry(django_assert_num_queries):
    call = personas.call()
    org = personas.organization()
    owner, member = personas.member(org, Role.OWNER), personas.member(org, Role.MEMBER)
    newcomer = personas.user()
    assert step_on_page(signed_in(owner), call)[0] == steps.START  # renders the page into the cache
    # From the cache: the session, the user and the membership, nothing of the call's page.
    member_client = signed_in(member)
    with django_assert_num_queries(3):
        assert step_on_page(member_client, call)[0] == steps.ASK_MANAGER
    assert step_on_page(signed_in(newcomer), call)[0] == steps.REGISTER
    assert step_on_page(signed_in(owner), call)[0] == steps.START
    assert step_on_page(Client(), call)[0] == steps.SIGN_IN


def test_the_step_is_rendered_in_place_when_the_page_skips_the_cache():
    call = personas.call()
    client = signed_in(personas.member(personas.organization(), Role.MEMBER))
    html = client.get(reverse("projects:call-detail", args=[call.pk]), {"stray": "x"}).text
    assert 'data-step="ask-manager"' in html and "portal-hole" not in html
