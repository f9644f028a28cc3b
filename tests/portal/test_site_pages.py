
import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "oldest_task_seconds": 0}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)  # the probe reads on a connection of its own: the task must be committed
def test_healthz_says_how_long_the_oldest_due_task_has_waited(client):
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from jobs.services import queue_mail

    queue_mail(to="someone@example.com", subject="s", body="b")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))
    waited = client.get("/healthz").json()["oldest_task_seconds"]
    assert 120 <= waited < 180


@pytest.mark.django_db
def test_home_page_is_korean_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ko"
    content = response.content.decode()
    assert '<html lang="ko">' in content
    assert "AI 자율제조 얼라이언스" in content
    assert "100억 원" in content


@pytest.mark.django_db
def test_language_switch_turns_the_site_english(client):
    response = client.get(reverse("switch-language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert "AI Autonomous Manufacturing Alliance" in response.content.decode()
    assert "KRW 10 billion" in response.content.decode()


@pytest.mark.django_db
def test_urls_carry_no_language_prefix(client):
    assert client.get("/ko/").status_code == 404
    assert client.get("/en/").status_code == 404


@pytest.mark.django_db
def test_unknown_page_renders_the_404_inside_the_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.content.decode()
    assert '<header id="krds-header">' in response.content.decode()


def test_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "서버 오류" in html


@pytest.mark.django_db
def test_robots_txt_hides_private_areas_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Disallow: /my/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.django_db
def test_layout_has_landmarks_skip_link_and_language_switch(client):
    content = client.get("/").content.decode()
    for fragment in ('<header id="krds-header">', '<main id="main"', '<footer id="krds-footer">',
                     '<div id="krds-skip-link"><a href="#main">',
                     'action="/i18n/language/" method="get"', 'aria-label="주 메뉴"', 'name="language" value="en"'):
        assert fragment in content


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src


@pytest.mark.django_db
def test_favicon_ico_points_to_the_svg_icon_without_rendering_a_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert "csrftoken" not in response.cookies
