"""Security notices (allauth's account notifications, members.adapter): a sign-in from a new browser, a password
or email change and each change of a second factor are mailed to the person, through the mail queue, once each."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from jobs.models import OutgoingMail
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db


def notices_to(person):
    return [m for m in OutgoingMail.objects.order_by("pk") if person.email in m.recipients]


def english_client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def sign_in(client, person):
    response = client.post(reverse("account_login"), {"login": person.email, "password": personas.PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_a_sign_in_from_a_new_browser_is_queued_once_and_not_sent_in_the_request():
    person = personas.user()
    client = english_client()
    sign_in(client, person)
    [notice] = notices_to(person)
    assert "New sign-in" in notice.subject and "had not signed you in before" in notice.body
    assert "Browser:" in notice.body and not mail.outbox  # queued, the worker sends it
    assert settings.PORTAL_KNOWN_BROWSER_COOKIE in client.cookies
    run_tasks()
    assert len(mail.outbox) == 1


def test_signing_in_again_from_the_same_browser_is_not_mailed():
    person = personas.user()
    client = english_client()
    sign_in(client, person)
    client.post(reverse("account_logout"))
    sign_in(client, person)
    assert len(notices_to(person)) == 1


def test_another_browser_is_new_and_a_forged_cookie_counts_for_nothing():
    person = personas.user()
    sign_in(english_client(), person)
    forged = english_client()
    forged.cookies[settings.PORTAL_KNOWN_BROWSER_COOKIE] = str(person.pk)  # not signed by the portal
    sign_in(forged, person)
    assert len(notices_to(person)) == 2


def test_the_cookie_of_one_person_does_not_hide_another_persons_sign_in():
    first, second = personas.user(), personas.user()
    client = english_client()
    sign_in(client, first)
    client.post(reverse("account_logout"))
    sign_in(client, second)
    assert len(notices_to(second)) == 1


def test_a_password_change_is_queued_once():
    person = personas.user()
    client = english_client()
    client.force_login(person)
    response = client.post(reverse("account_change_password"), {
        "oldpassword": personas.PASSWORD, "password1": "a-new-pw-for-tests-2", "password2": "a-new-pw-for-tests-2",
    })
    assert response.status_code == 302
    [notice] = notices_to(person)
    assert "Password" in notice.subject and "password has been changed" in notice.body


def test_an_email_change_is_queued_once():
    from allauth.account.models import EmailAddress

    person = personas.user()
    EmailAddress.objects.create(user=person, email="second@example.com", verified=True)
    client = english_client()
    client.force_login(person)
    client.post(reverse("account_email"), {"action_primary": "", "email": "second@example.com"})
    person.refresh_from_db()
    assert person.email == "second@example.com"
    changed = [m for m in OutgoingMail.objects.all() if "Email Changed" in m.subject or "email" in m.subject.lower()]
    assert len(changed) == 1


def test_setting_up_an_authenticator_app_is_queued_once(django_capture_on_commit_callbacks):
    person = personas.user()
    client = english_client()
    client.force_login(person)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    with django_capture_on_commit_callbacks(execute=True):  # allauth mails once the authenticator is stored
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    subjects = [m.subject for m in notices_to(person)]
    assert sum("Authenticator" in subject for subject in subjects) == 1, subjects


def test_removing_a_passkey_is_queued_once():
    person = personas.user()
    passkey, _key = personas.passkey(person)
    client = english_client()
    client.force_login(person)
    response = client.post(reverse("mfa_remove_webauthn", args=[passkey.pk]))
    assert response.status_code == 302
    [notice] = notices_to(person)
    assert "Security Key Removed" in notice.subject or "removed" in notice.body.lower()
