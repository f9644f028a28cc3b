"""Every error page is the site's layout in the visitor's language, and none reads the session or the database
(the pages while the database is down: tests/portal/test_database_down.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import personas

PAGES = {  # status: (Korean heading, English heading)
    400: ("잘못된 요청", "Bad request"),
    403: ("접근 권한 없음", "Access denied"),
    "csrf": ("양식을 보낼 수 없습니다", "The form could not be sent"),
    404: ("페이지를 찾을 수 없습니다", "Page not found"),
    429: ("시도 횟수 초과", "Too many attempts"),
    500: ("서버 오류", "Server error"),
}


def error_response(kind, language, settings):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    if kind == 400:
        return client.get("/", HTTP_HOST="not-our-host.example")
    if kind == 403:
        return client.get("/faults/forbidden")
    if kind == "csrf":
        return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language).post(
            reverse("set_language"), {"language": "en"})
    if kind == 404:
        return client.get("/no-such-page/")
    if kind == 429:
        settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
        for _ in range(2):
            response = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})
        return response
    return client.get("/faults/fail")


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.fault_urls")
@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_error_pages_render_the_layout_in_the_visitors_language(kind, language, settings):
    response = error_response(kind, language, settings)
    assert response.status_code == (403 if kind == "csrf" else kind)
    body = response.content.decode()
    heading = PAGES[kind][0 if language == "ko" else 1]
    assert f"<h1>{heading}</h1>" in body
    assert f'<html lang="{language}">' in body
    for part in ('<header id="krds-header">', 'class="language-switch"', '<footer id="krds-footer">', 'href="/news/"',
                 'href="/privacy/"'):
        assert part in body, part


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.fault_urls")
def test_error_pages_do_not_read_the_session_or_the_user(client, make_user, django_assert_num_queries):
    client.force_login(make_user())
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'action="/accounts/logout/"' not in body and 'href="/my/"' not in body  # no account, no company area


@pytest.mark.django_db
def test_the_csrf_page_keeps_djangos_words_in_english():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("account_login"), {"login": personas.user().email, "password": "x"})
    assert response.status_code == 403
    assert b"CSRF verification failed" in response.content


@pytest.mark.django_db
def test_every_response_carries_a_permissions_policy(client):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
