"""Accounts: email login, mandatory verification, logout by POST, MFA for the admin."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.background import run_tasks

pytestmark = pytest.mark.django_db


def test_signup_asks_for_email_not_username(client):
    content = client.get(reverse("account_signup")).content.decode()
    assert 'name="email"' in content
    assert 'name="username"' not in content


def test_signup_sends_a_verification_link_and_blocks_sign_in_until_it_is_used(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": "long-pass-phrase-42", "password2": "long-pass-phrase-42",
         "consent_terms": "on", "consent_collection": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    run_tasks()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)

    client.logout()
    response = client.post(reverse("account_login"), {"login": "new@example.com", "password": "long-pass-phrase-42"})
    assert response["Location"] == reverse("account_email_verification_sent")

    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    response = client.post(reverse("account_login"), {"login": "new@example.com", "password": "long-pass-phrase-42"})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:register")  # no company yet: the step that fits
    assert client.get("/").context["user"].email == "new@example.com"


def test_logout_needs_a_post(client, make_user):
    make_user("someone@example.com")
    client.login(email="someone@example.com", password="pw-for-tests-1")
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200  # a confirmation page, still signed in
    assert client.get("/").context["user"].is_authenticated
    client.post(reverse("account_logout"))
    assert not client.get("/").context["user"].is_authenticated


def test_password_reset_mails_a_link(client, make_user):
    make_user("forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    run_tasks()
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_rate_limits_are_on():
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS.get("login_failed")


def test_social_login_buttons_are_hidden_without_credentials(client):
    content = client.get(reverse("account_login")).content.decode()
    assert "kakao" not in content.lower()
    assert "naver" not in content.lower()


class TestAdminNeedsStaffWithMFA:
    def test_anonymous_visitor_is_sent_to_the_allauth_login(self, client):
        response = client.get("/admin/")
        assert response.status_code == 302
        follow = client.get(response["Location"])
        assert follow.status_code == 302
        assert follow["Location"].startswith(reverse("account_login"))

    def test_non_staff_user_is_refused(self, client, make_user):
        make_user("company@example.com")
        client.login(email="company@example.com", password="pw-for-tests-1")
        response = client.get("/admin/", follow=True)
        assert response.status_code == 403

    def test_staff_without_mfa_is_sent_to_set_it_up(self, client, staff_user):
        client.login(email=staff_user.email, password="pw-for-tests-1")  # signed in, not confirmed since
        response = client.get("/admin/", follow=True)
        urls = [url for url, _status in response.redirect_chain]
        assert urls[1] == reverse("mfa_activate_totp") + "?next=%2Fadmin%2F"
        # Setting up an authenticator asks for the password again first (allauth's reauthentication).
        assert urls[2].startswith(reverse("account_reauthenticate"))
        assert "관리 화면은 2단계 인증이 필요합니다" in response.content.decode()

    def test_staff_with_mfa_reaches_the_admin_in_korean(self, client, staff_with_mfa):
        client.force_login(staff_with_mfa)
        response = client.get("/admin/")
        assert response.status_code == 200
        assert "AI 자율제조 얼라이언스 관리" in response.content.decode()

    def test_admin_sign_in_asks_for_the_authenticator_code(self, client, staff_with_mfa):
        response = client.post(
            reverse("account_login"), {"login": "staff@example.com", "password": "pw-for-tests-1"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
