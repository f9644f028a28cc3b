"""Passkeys (WebAuthn, allauth's MFA with `fido2`): offered beside the authenticator app, their script served by the
portal itself, and enough for the staff's second-factor requirement. A real registration: tests/browser."""

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests import personas

pytestmark = pytest.mark.django_db

SCRIPTS = ("mfa/js/webauthn.js", "mfa/js/webauthn-json.js", "account/js/onload.js")


def signed_in(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)  # confirmed just now (tests/conftest.py): the MFA pages ask otherwise
    return client


def test_passkeys_and_authenticator_apps_are_both_second_factors():
    assert {"totp", "webauthn", "recovery_codes"} <= set(settings.MFA_SUPPORTED_TYPES)
    assert settings.MFA_PASSKEY_LOGIN_ENABLED


def test_the_two_factor_page_offers_a_passkey_and_an_authenticator_app():
    page = signed_in(personas.user()).get(reverse("mfa_index"))
    assert reverse("mfa_add_webauthn") in page.text and reverse("mfa_activate_totp") in page.text


def test_the_passkey_page_loads_allauths_script_from_this_site():
    page = signed_in(personas.user()).get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    for script in SCRIPTS:
        assert f'<script src="/static/{script}"' in page.text
    assert "://" not in "".join(line for line in page.text.splitlines() if "<script src" in line)  # no CDN


@pytest.mark.parametrize("script", SCRIPTS)
def test_allauths_scripts_are_static_files_whitenoise_serves(client, script):
    assert finders.find(script), script  # collected by `collectstatic` into the manifest like the portal's own
    response = client.get(f"/static/{script}")
    assert response.status_code == 200 and b"function" in b"".join(response.streaming_content)


def test_the_sign_in_page_offers_a_passkey():
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("account_login"))
    assert 'id="passkey_login"' in page.text and reverse("mfa_login_webauthn") in page.text


def test_a_persons_passkeys_are_listed_with_their_names():
    person = personas.user()
    personas.passkey(person, name="사무실 보안 키")
    page = signed_in(person).get(reverse("mfa_list_webauthn"))
    assert page.status_code == 200 and "사무실 보안 키" in page.text


def test_staff_with_only_a_passkey_enter_the_admin_and_staff_with_none_do_not():
    with_passkey, without = personas.staff(mfa=False, is_superuser=True), personas.staff(mfa=False, is_superuser=True)
    personas.passkey(with_passkey)
    assert signed_in(with_passkey).get(reverse("admin:index")).status_code == 200
    assert signed_in(without).get(reverse("admin:index")).status_code == 302
