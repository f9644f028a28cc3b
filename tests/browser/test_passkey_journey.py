"""A passkey registered and used in a real browser, with Chromium's virtual authenticator (WebDriver's WebAuthn
extension) standing in for a security key: allauth's own script from /static/ asks it, allauth and fido2 check it;
then staff with only that passkey enter the admin, and confirming who they are takes the passkey."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from selenium.webdriver.common.virtual_authenticator import Protocol, Transport, VirtualAuthenticatorOptions

from tests import personas
from tests.browser.conftest import desktop_only
from tests.browser.helpers import fill, go, path_of, sign_in_with_session, text_of, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def security_key(browser, settings):
    # The live server speaks plain http on localhost, a secure context for the browser; fido2 wants https.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    browser.add_virtual_authenticator(VirtualAuthenticatorOptions(
        protocol=Protocol.CTAP2, transport=Transport.USB, has_resident_key=True, has_user_verification=True,
        is_user_verified=True, is_user_consenting=True,
    ))
    yield browser
    browser.remove_virtual_authenticator()


@desktop_only
def test_staff_register_a_passkey_enter_the_admin_with_it_and_confirm_with_it(browser, security_key):
    person = personas.staff("passkey@ministry.example", mfa=False, is_superuser=True)
    sign_in_with_session(browser, person)  # signed in and confirmed just now (tests/conftest.py)
    go(browser, "/admin/")
    assert path_of(browser) != "/admin/"  # no second factor yet: sent to set one up

    go(browser, "/accounts/2fa/webauthn/add/")
    fill(browser, "name", "가상 보안 키")
    browser.find_element("id", "mfa_webauthn_add").click()  # the script asks the authenticator, then posts
    wait_for(browser, lambda d: Authenticator.objects.filter(user=person, type="webauthn").exists())
    passkey = Authenticator.objects.get(user=person, type="webauthn")
    assert passkey.wrap().name == "가상 보안 키"

    go(browser, "/admin/")
    assert path_of(browser) == "/admin/", text_of(browser)

    # Confirming who one is (a step that asks again) takes the passkey, not the password.
    go(browser, "/accounts/reauthenticate/?next=/admin/")
    wait_for(browser, lambda d: reverse("mfa_reauthenticate_webauthn") in d.current_url)
    browser.find_element("id", "mfa_webauthn_reauthenticate").click()  # the script asks the key, then posts
    wait_for(browser, lambda d: path_of(d) == "/admin/")
