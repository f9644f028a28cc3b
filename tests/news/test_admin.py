"""Ministry staff in the admin: the News editors group, preview, publish actions, feed import."""

import http.server
import socket
import threading

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from news import services
from news.models import Article, Status
from tests import personas
from tests.background import run_tasks

from .test_importer import ATOM_FEED

CHANGELIST = "/admin/news/article/"


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def writer(db):
    """Staff who may write articles but not publish them."""
    return personas.staff("writer@example.com", permissions=[
        ("news", "add_article"), ("news", "change_article"), ("news", "view_article")])


def test_the_news_editors_group_can_write_and_publish(db):
    codenames = set(Group.objects.get(name="News editors").permissions.values_list("codename", flat=True))
    assert codenames == {"add_article", "change_article", "delete_article", "view_article", "publish_article"}


def test_an_editor_writes_an_article_and_the_admin_fills_slug_body_and_author(editor_client, editor):
    response = editor_client.post(reverse("admin:news_article_add"), {
        "title": "분과 워크숍 안내", "slug": "", "category": "event", "summary": "요약",
        "body": "**중요** <script>alert(1)</script>", "cover_alt": "", "source_name": "", "source_url": "",
        "source_published_on": "", "status": "draft", "published_at_0": "", "published_at_1": "",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.slug == "분과-워크숍-안내"
    assert article.author == editor
    assert "<strong>중요</strong>" in article.body_html and "<script" not in article.body_html


def test_the_admin_refuses_a_javascript_source_address(editor_client):
    response = editor_client.post(reverse("admin:news_article_add"), {
        "title": "t", "category": "notice", "summary": "s", "body": "", "source_url": "javascript:alert(1)",
        "status": "draft",
    })
    assert response.status_code == 200
    assert "source_url" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_the_preview_shows_a_draft_rendered_and_sanitised(editor_client, make_article):
    draft = make_article("미리보기 초안", status=Status.DRAFT, body="## 소제목\n\n<img src=x onerror=alert(1)>")
    response = editor_client.get(reverse("admin:news_article_preview", args=[draft.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h2>소제목</h2>" in content
    assert "onerror" not in content
    change = editor_client.get(reverse("admin:news_article_change", args=[draft.pk])).content.decode()
    assert reverse("admin:news_article_preview", args=[draft.pk]) in change
    listing = editor_client.get(CHANGELIST).content.decode()
    assert reverse("admin:news_article_preview", args=[draft.pk]) in listing


def test_the_list_filters_by_status_and_category_and_searches(editor_client, make_article):
    make_article("게시된 공지", category="notice")
    make_article("초안 행사", status=Status.DRAFT, category="event")
    drafts = editor_client.get(CHANGELIST, {"status__exact": "draft"}).context["cl"].result_list
    assert [a.title for a in drafts] == ["초안 행사"]
    events = editor_client.get(CHANGELIST, {"category__exact": "event"}).context["cl"].result_list
    assert [a.title for a in events] == ["초안 행사"]
    found = editor_client.get(CHANGELIST, {"q": "공지"}).context["cl"].result_list
    assert [a.title for a in found] == ["게시된 공지"]


def test_the_admin_list_uses_a_constant_number_of_queries(editor_client, make_article, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_article(author=editor)
    with CaptureQueriesContext(connection) as small:
        editor_client.get(CHANGELIST)
    for _ in range(20):
        make_article(author=editor)
    with CaptureQueriesContext(connection) as large:
        editor_client.get(CHANGELIST)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_publishing_asks_for_confirmation_first(editor_client, make_article):
    draft = make_article("곧 게시", status=Status.DRAFT)
    data = {"action": "publish", "_selected_action": [draft.pk]}
    response = editor_client.post(CHANGELIST, {**data, "index": 0})
    assert response.status_code == 200
    assert "곧 게시" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = editor_client.post(CHANGELIST, {**data, "post": "yes"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.published_at is not None


def test_publishing_keeps_a_scheduled_time(editor_client, make_article):
    import datetime

    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(days=3)
    article = make_article("예약", status=Status.DRAFT, published_at=later)
    editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk],
                                    "post": "yes"})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at == later
    assert not Article.objects.published().exists()


def test_unpublishing_sends_an_article_back_to_draft(editor_client, make_article):
    article = make_article("내릴 기사")
    editor_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [article.pk],
                                    "post": "yes"})
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_staff_without_the_publish_permission_cannot_publish(client, writer, make_article):
    client.force_login(writer)
    draft = make_article("권한 없음", status=Status.DRAFT)
    listing = client.get(CHANGELIST)
    assert 'value="publish"' not in listing.content.decode()
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], "post": "yes"})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    form = client.get(reverse("admin:news_article_change", args=[draft.pk])).context["adminform"].form
    assert "status" not in form.fields and "published_at" not in form.fields


def test_import_from_a_feed_address_creates_drafts(editor_client, monkeypatch):
    def fake_fetch(url, *, public_only):
        assert url == "https://example.go.kr/feed.xml"
        assert public_only  # the admin never fetches from the server's own network
        return ATOM_FEED.encode()

    monkeypatch.setattr(services, "_fetch", fake_fetch)
    assert reverse("admin:news_article_import") in editor_client.get(CHANGELIST).content.decode()
    assert editor_client.get(reverse("admin:news_article_import")).status_code == 200
    response = editor_client.post(reverse("admin:news_article_import"), {
        "url": "https://example.go.kr/feed.xml", "source_name": "산업부", "category": "press-release",
    }, follow=True)
    # The request only queues the import: nothing is fetched until the worker runs it.
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert not Article.objects.exists()
    assert import_outcome(editor_client) == {"created": 2, "skipped": 0, "rejected": []}
    assert Article.objects.filter(status=Status.DRAFT, source_name="산업부").count() == 2
    assert "https://example.go.kr/feed.xml" in editor_client.get(reverse("admin:news_article_import")).content.decode()


def import_outcome(client):
    """The newest row of the import page's "Recent imports", once the worker has run the queue."""
    run_tasks()
    return client.get(reverse("admin:news_article_import")).context["imports"][0]["outcome"]


def test_import_of_an_unreachable_feed_shows_the_error_and_writes_nothing(editor_client):
    response = editor_client.post(reverse("admin:news_article_import"), {
        "url": "http://127.0.0.1:9/feed.xml", "source_name": "", "category": "notice",
    })
    assert response.status_code == 302
    assert "http://127.0.0.1:9/feed.xml" in import_outcome(editor_client)["error"]
    assert not Article.objects.exists()


@pytest.fixture
def local_feed_server():
    """A feed served on this machine's loopback, counting the requests that reach it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = ATOM_FEED.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_admin_import_refuses_addresses_on_the_servers_own_network(editor_client, local_feed_server, host):
    port, hits = local_feed_server
    editor_client.post(reverse("admin:news_article_import"), {
        "url": f"http://{host}:{port}/feed.xml", "source_name": "", "category": "notice",
    })
    assert f"{host}은(는) 공개 인터넷 주소가 아닙니다" in import_outcome(editor_client)["error"]
    assert hits == [] and not Article.objects.exists()
    # The same feed from the command line, which the server's operator runs, is read.
    assert len(services.import_feed(source=f"http://{host}:{port}/feed.xml").created) == 2
    assert hits == ["/feed.xml"]


def test_a_name_that_resolves_to_a_private_address_is_refused_before_connecting(editor_client, monkeypatch):
    def resolve(host, port, *args, **kwargs):
        assert host == "intranet.example.kr"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", port))]

    def connect(*args, **kwargs):
        raise AssertionError("no connection may be opened")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    editor_client.post(reverse("admin:news_article_import"), {
        "url": "https://intranet.example.kr/feed.xml", "source_name": "", "category": "notice",
    })
    assert "10.20.30.40" in import_outcome(editor_client)["error"]
    assert not Article.objects.exists()


def test_import_needs_the_add_permission(client, db):
    viewer = personas.staff("viewer@example.com", permissions=[("news", "view_article")])
    client.force_login(viewer)
    assert client.get(reverse("admin:news_article_import")).status_code == 403
    assert reverse("admin:news_article_import") not in client.get(CHANGELIST).content.decode()


def test_admin_posts_need_the_csrf_token(editor):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    response = csrf_client.post(reverse("admin:news_article_import"), {"url": "https://example.com/feed"})
    assert response.status_code == 403
