"""A colleague invited by email, new to the portal, in a real browser: the invitation → sign up →
confirm the address from the mail → back on the invitation, signed in → accept → the company's page."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from members import services
from members.models import Membership, Organization
from tests import personas
from tests.browser.conftest import desktop_only
from tests.browser.helpers import (
    PASSWORD,
    agree_to_the_required_consents,
    button,
    click_to_new_page,
    fill,
    go,
    last_link,
    on_site_without_cookies,
    path_of,
    press,
    text_of,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
INVITEE = "dongryo@hanbit.example"


@desktop_only
def test_an_invitee_signs_up_confirms_and_lands_on_the_invitation(browser):
    owner = personas.user("daepyo@hanbit.example")
    org = personas.organization("한빛정밀", tier=Organization.Tier.MIDSIZE, owner=owner)
    services.invitation_create(organization=org, email=INVITEE, role=Membership.Role.MANAGER, by=owner)
    invitation = last_link("/members/invitations/", to=INVITEE)

    on_site_without_cookies(browser)
    go(browser, invitation)
    assert "한빛정밀" in text_of(browser)
    click_to_new_page(browser, browser.find_element(By.LINK_TEXT, "회원가입"))
    assert "/accounts/signup/" in path_of(browser)
    fill(browser, "email", INVITEE)
    fill(browser, "password1", PASSWORD)
    fill(browser, "password2", PASSWORD)
    agree_to_the_required_consents(browser)
    press(browser, "main form button[type=submit]")
    wait_for(browser, EC.url_contains("/accounts/confirm-email/"))

    go(browser, last_link("/accounts/confirm-email/", to=INVITEE))
    press(browser, "main form button[type=submit]")
    wait_for(browser, EC.url_contains("/members/invitations/"))
    assert path_of(browser) == invitation
    assert INVITEE in text_of(browser, "header")
    click_to_new_page(browser, button(browser, "수락하고 합류하기"))
    assert path_of(browser) == "/my/"
    assert "한빛정밀" in text_of(browser, "h1")
    assert Membership.objects.get(user__email=INVITEE).role == Membership.Role.MANAGER
