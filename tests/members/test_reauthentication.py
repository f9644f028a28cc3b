"""Re-authentication (portal.reauth, allauth's flow) before each sensitive step, and not before the others.

A person's own sensitive step asks when no confirmation is recent (ACCOUNT_REAUTHENTICATION_TIMEOUT); a staff
decision when the sign-in is older than PORTAL_STAFF_DECISION_MAX_AUTH_AGE. A POST that asks goes to its GET
confirmation page, which sends the person to confirm and back, then posts the same step again.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from members.models import Membership
from projects.models import Proposal
from tests import personas

pytestmark = pytest.mark.django_db


def signed_in(person, *, ago=0, confirmed=False):
    """A client signed in `ago` seconds ago, without (or with) a confirmation of identity since."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    personas.confirm_identity(client, ago=ago, reauthenticated=confirmed)
    return client


def sent_to_confirm(response, next_url):
    """The answer sends the person to allauth's re-authentication, which comes back to `next_url`."""
    location = response["Location"]
    return response.status_code == 302 and location.startswith(("/accounts/reauthenticate/", "/accounts/2fa/")) and (
        urlencode({"next": next_url}) in location)


@pytest.fixture
def company():
    owner = personas.user("owner@hanbit.example")
    org = personas.organization("한빛정밀", owner=owner)
    colleague = personas.member(org, Membership.Role.MEMBER, "colleague@hanbit.example")
    return owner, org, colleague


# --- transferring ownership -----------------------------------------------------------------------------------


def test_making_a_colleague_owner_asks_first_and_changes_nothing_yet(company):
    owner, _org, colleague = company
    membership = colleague.membership
    client = signed_in(owner)
    url = reverse("my:person-role", args=[membership.pk])
    response = client.post(url, {"role": "owner"})
    page = f"{url}?role=owner"
    assert response.status_code == 302 and response["Location"] == page
    assert sent_to_confirm(client.get(page), page)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER


def test_after_confirming_the_ownership_change_is_shown_and_posted_again(company):
    owner, _org, colleague = company
    membership = colleague.membership
    client = signed_in(owner, confirmed=True)
    url = reverse("my:person-role", args=[membership.pk])
    page = client.get(f"{url}?role=owner")
    assert page.status_code == 200 and "colleague@hanbit.example" in page.text and 'value="owner"' in page.text
    assert client.post(url, {"role": "owner"})["Location"] == reverse("my:dashboard")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.OWNER


def test_a_confirmation_older_than_the_timeout_asks_again(company, settings):
    owner, _org, colleague = company
    membership = colleague.membership
    client = signed_in(owner, ago=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1, confirmed=True)
    response = client.post(reverse("my:person-role", args=[membership.pk]), {"role": "owner"})
    assert response.status_code == 302 and "?role=owner" in response["Location"]


def test_making_a_colleague_manager_does_not_ask(company):
    owner, _org, colleague = company
    membership = colleague.membership
    signed_in(owner).post(reverse("my:person-role", args=[membership.pk]), {"role": "manager"})
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MANAGER


# --- removing a colleague ---------------------------------------------------------------------------------------


def test_removing_a_colleague_asks_first(company):
    owner, _org, colleague = company
    membership = colleague.membership
    client = signed_in(owner)
    url = reverse("my:person-remove", args=[membership.pk])
    assert client.post(url)["Location"] == url
    assert sent_to_confirm(client.get(url), url)
    assert Membership.objects.filter(pk=membership.pk).exists()
    confirmed = signed_in(owner, confirmed=True)
    assert "colleague@hanbit.example" in confirmed.get(url).text
    confirmed.post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_leaving_does_not_ask(company):
    _owner, _org, colleague = company
    membership = colleague.membership
    signed_in(colleague).post(reverse("my:person-remove", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_another_companys_colleague_is_404_before_any_question(company):
    _owner, _org, colleague = company
    stranger = personas.user()
    personas.organization("누리기계", owner=stranger)
    url = reverse("my:person-remove", args=[colleague.membership.pk])
    assert signed_in(stranger).get(url).status_code == 404


# --- submitting a proposal --------------------------------------------------------------------------------------


@pytest.fixture
def draft():
    owner = personas.user("lead@daehyung.example")
    lead = personas.organization("대형제조", tier=personas.Tier.LARGE, owner=owner)
    return owner, personas.ready_proposal(lead=lead)


def test_submitting_asks_first_and_submits_after_confirming(draft):
    owner, proposal = draft
    url = reverse("my-proposals:submit", args=[proposal.pk])
    client = signed_in(owner)
    assert client.post(url)["Location"] == url
    assert sent_to_confirm(client.get(url), url)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    confirmed = signed_in(owner, confirmed=True)
    page = confirmed.get(url)
    assert page.status_code == 200 and proposal.title in page.text
    confirmed.post(url)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


# Saving a draft (which does not ask) and "save and submit" (which saves, then asks): tests/projects/test_forms.py.


# --- allauth's own steps ------------------------------------------------------------------------------------------


def test_adding_an_email_address_asks_first():
    person = personas.user()
    client = signed_in(person)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not person.emailaddress_set.filter(email="new@example.com").exists()


def test_setting_up_or_removing_a_second_factor_asks_first():
    person = personas.user()
    client = signed_in(person)
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("mfa_add_webauthn"))["Location"].startswith(reverse("account_reauthenticate"))
    personas.activate_totp(person)
    assert client.get(reverse("mfa_deactivate_totp"))["Location"].startswith(reverse("mfa_reauthenticate"))


def test_someone_with_a_second_factor_confirms_with_it_not_with_the_password_alone():
    person = personas.user()
    personas.activate_totp(person)
    client = signed_in(person)
    response = client.get(reverse("account_reauthenticate"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_someone_with_only_a_passkey_confirms_with_the_passkey():
    person = personas.user()
    personas.passkey(person)
    response = signed_in(person).get(reverse("account_reauthenticate"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate_webauthn"))


def test_a_password_change_asks_first_for_the_second_factor_of_those_who_have_one():
    plain, guarded = personas.user(), personas.user()
    personas.activate_totp(guarded)
    assert signed_in(plain).get(reverse("account_change_password")).status_code == 200  # asks the current password
    response = signed_in(guarded).get(reverse("account_change_password"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))


# --- staff decisions ------------------------------------------------------------------------------------------------


@pytest.fixture
def submitted():
    proposal = personas.ready_proposal(status=Proposal.Status.SUBMITTED)
    return proposal, personas.staff(group=personas.PROJECT_DECIDERS)


def decide(client, proposal, action="start_review", **data):
    return client.post(reverse("admin:projects_proposal_changelist"),
                       {"action": action, "_selected_action": [proposal.pk], **data})


def test_a_decision_after_an_old_sign_in_asks_first_and_keeps_the_note(submitted, settings):
    proposal, decider = submitted
    client = signed_in(decider, ago=settings.PORTAL_STAFF_DECISION_MAX_AUTH_AGE + 1)
    response = decide(client, proposal, "request_changes", post="yes", note="예산표를 고쳐 주세요")
    page = response["Location"]
    assert response.status_code == 302 and page.startswith(reverse("admin:projects_proposal_workflow"))
    assert sent_to_confirm(client.get(page), page)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    fresh = signed_in(decider, confirmed=True)
    shown = fresh.get(page)
    assert shown.status_code == 200 and "예산표를 고쳐 주세요" in shown.text and proposal.title in shown.text
    decide(fresh, proposal, "request_changes", post="yes", note="예산표를 고쳐 주세요")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CHANGES_REQUESTED


def test_a_decision_soon_after_signing_in_does_not_ask(submitted):
    proposal, decider = submitted
    client = signed_in(decider, ago=60)
    assert decide(client, proposal).status_code == 200  # the action's own confirmation page
    decide(client, proposal, post="yes")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNDER_REVIEW


def test_the_age_is_a_setting(submitted, settings):
    proposal, decider = submitted
    settings.PORTAL_STAFF_DECISION_MAX_AUTH_AGE = 30
    assert decide(signed_in(decider, ago=60), proposal).status_code == 302


def test_a_step_that_is_not_a_decision_does_not_ask_after_an_old_sign_in(settings):
    from news.models import Article, Status

    editor = personas.staff(group=personas.NEWS_EDITORS)
    article = Article.objects.create(title="소식", slug="sosik", body="본문", status=Status.DRAFT)
    client = signed_in(editor, ago=settings.PORTAL_STAFF_DECISION_MAX_AUTH_AGE + 1)
    response = client.post(reverse("admin:news_article_changelist"),
                           {"action": "publish", "_selected_action": [article.pk]})
    assert response.status_code == 200


def test_the_workflow_page_is_for_those_with_the_steps_permission(submitted):
    proposal, _decider = submitted
    reviewer = personas.staff(group=personas.MEMBERSHIP_REVIEWERS)
    url = f"{reverse('admin:projects_proposal_workflow')}?step=select&ids={proposal.pk}"
    assert signed_in(reviewer, confirmed=True).get(url).status_code == 403
