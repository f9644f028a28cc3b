"""Public pages come from the cache: whole for an anonymous visitor, with the visitor's own parts (header,
CSRF token, messages) filled in for everyone else; they are rendered again whenever what they show changes:
a save, a scheduled time, a new day."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation, Membership
from members.models import StatusChange as MemberChange
from news.models import Article, Category, Status
from news.services import article_save
from portal import pagecache
from projects.models import AIArea, Annex, Review, ReviewScore
from projects.models import StatusChange as ProposalChange
from stats.models import Target
from tests.projects import factories

pytestmark = pytest.mark.django_db


def article(title, *, published_at=None):
    return article_save(article=Article(
        title=title, summary="요약", body="본문", category=Category.NOTICE, status=Status.PUBLISHED,
        published_at=published_at or timezone.now() - datetime.timedelta(hours=1),
    ))


def get(client, path, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_public_page_is_rendered_once_then_served_from_the_cache(client):
    article("첫 소식")
    first, cold = get(client, "/news/")
    again, warm = get(client, "/news/")
    assert cold > 0 and warm == 0
    assert "첫 소식" in again
    assert "portal-hole" not in first and "portal-hole" not in again


def test_each_signed_in_visitor_gets_a_csrf_token_of_their_own_that_works(make_user):
    article("소식")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(make_user("ana@example.com"))
    second.force_login(make_user("ben@example.com"))
    get(first, "/news/")
    html, _ = get(second, "/news/")
    assert "ben@example.com" in html  # the second visitor's page came from the cache, with their header
    response = second.post(reverse("account_logout"), {"csrfmiddlewaretoken": csrf_token(html)})
    assert response.status_code == 302 and "_auth_user_id" not in second.session


def test_an_anonymous_visitor_gets_the_whole_stored_page_without_rendering(client):
    article("소식")
    first = client.get("/news/")
    again = client.get("/news/")
    assert first.templates and not again.templates  # nothing rendered the second time
    assert again.content == first.content and "소식" in again.content.decode()
    assert "csrfmiddlewaretoken" not in again.content.decode() and "portal-hole" not in again.content.decode()


def test_the_anonymous_stored_page_carries_no_cookie_and_varies_on_cookie_and_language(client):
    for response in (client.get("/"), client.get("/")):
        assert not response.cookies
        assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response["Vary"].split(",")}
        assert response["Cache-Control"] == "max-age=0"


def test_the_stored_whole_page_keeps_every_header_the_middleware_gave_it(client):
    first, again = client.get("/members/"), client.get("/members/")
    assert not again.templates  # served whole, by pagecache.WholePageMiddleware
    for header in ("Content-Type", "Content-Language", "Content-Security-Policy", "Permissions-Policy",
                   "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control", "Vary"):
        assert again[header] == first[header], header
    assert int(again["Content-Length"]) == len(again.content) == len(first.content)


def test_while_the_version_holds_a_process_asks_the_cache_for_the_version_alone(client, monkeypatch):
    from django.core.cache import cache

    article("소식")
    first = client.get("/news/")  # rendered and stored
    client.get("/news/")  # served from the cache, and kept by this process
    asked = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *args, **kwargs: asked.extend(keys) or get_many(
        keys, *args, **kwargs))
    again = client.get("/news/")
    assert again.content == first.content and not again.templates
    assert asked and all(not key.startswith("pages:") or key in (pagecache.VERSION_KEY, pagecache.NEXT_CHANGE_KEY)
                         for key in asked)  # no page came over the wire
    article("새 소식")  # a new version: the process's copy is stale
    assert "새 소식" in client.get("/news/").content.decode()


def test_within_the_reuse_a_process_serves_its_copy_without_asking_and_sees_its_own_changes_at_once(
        client, settings, monkeypatch):
    from django.core.cache import cache

    settings.PORTAL_PAGE_VERSION_REUSE_MS = 1000
    clock = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock[0])
    article("소식")
    client.get("/news/")  # rendered and stored
    first = client.get("/news/")  # served from the cache, and kept by this process
    asked = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *args, **kwargs: asked.extend(keys) or get_many(
        keys, *args, **kwargs))
    assert client.get("/news/").content == first.content and not asked  # no round trip at all
    cache.incr(pagecache.VERSION_KEY)  # another process's change (its save bumps the shared version)
    clock[0] += 0.9
    assert client.get("/news/").content == first.content and not asked  # not seen yet: within the second
    clock[0] += 0.2
    assert client.get("/news/").templates  # the second has passed: the new version is read, the page rendered
    assert pagecache.VERSION_KEY in asked
    article("새 소식")  # this process's own change
    assert "새 소식" in client.get("/news/").content.decode()  # at once, within the reuse


def test_the_whole_page_is_served_before_the_session_and_the_language_are_read(client, monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.locale import LocaleMiddleware

    client.get("/stats/")
    reached = []
    for middleware in (SessionMiddleware, LocaleMiddleware):
        def noted(self, request, original=middleware.process_request):
            reached.append(type(self).__name__)
            return original(self, request)

        monkeypatch.setattr(middleware, "process_request", noted)
    assert client.get("/stats/", headers={"accept-language": "ko"}).status_code == 200
    assert reached == []
    client.get("/stats/", headers={"accept-language": "en"})  # not stored yet in English: the whole stack runs
    assert reached == ["SessionMiddleware", "LocaleMiddleware"]


def test_an_anonymous_page_in_the_language_of_the_cookie_is_stored_apart(client):
    korean = client.get("/stats/").content.decode()
    client.cookies["django_language"] = "en"
    english, again = (client.get("/stats/").content.decode() for _ in range(2))
    assert '<html lang="ko">' in korean and '<html lang="en">' in english and again == english


def test_what_a_page_does_not_store_whole_is_rendered_every_time(client):
    for path in ("/news/?q=소식", "/news/?unknown=1", "/accounts/login/", "/no-such-page/"):
        client.get(path)
        assert client.get(path).templates, path


def test_a_signed_in_visitor_never_gets_the_anonymous_page_nor_the_other_way_round(make_user):
    anonymous, ana = Client(), Client()
    ana.force_login(make_user("ana@example.com"))
    for first, then in ((anonymous, ana), (ana, anonymous), (anonymous, ana)):
        get(first, "/stats/")
        get(then, "/stats/")
    signed_in = ana.get("/stats/")
    assert "ana@example.com" in signed_in.content.decode() and "private" in signed_in["Cache-Control"]
    html = anonymous.get("/stats/").content.decode()
    assert "ana@example.com" not in html and reverse("account_login") in html


def test_a_save_bumps_the_data_version_and_the_next_anonymous_visitor_sees_it(client):
    get(client, "/news/")
    assert get(client, "/news/")[1] == 0
    before = pagecache.version()
    article("방금 올린 소식")
    assert pagecache.version() != before
    html, cold = get(client, "/news/")
    assert "방금 올린 소식" in html and cold > 0


def test_an_anonymous_visitor_with_a_message_waiting_sees_it_once(client, make_user):
    get(client, "/")  # the whole anonymous page is stored
    client.force_login(make_user("ana@example.com"))
    client.post(reverse("account_logout"))
    assert 'class="messages"' in get(client, "/")[0]
    assert 'class="messages"' not in get(client, "/")[0]


def test_every_public_page_is_stored_whole_for_an_anonymous_visitor(client):
    news = article("소식")
    open_call = factories.call(title="열린 공모")
    for path in ["/", "/news/", news.get_absolute_url(), "/news/feed/", "/news/rss/", "/members/", "/projects/",
                 reverse("projects:call-detail", args=[open_call.pk]), "/stats/", "/privacy/", "/terms/",
                 "/contact/", "/sitemap.xml"]:
        first = client.get(path)
        again = client.get(path)
        assert first.status_code == again.status_code == 200, path
        assert not again.templates and again.content == first.content, path  # stored whole, not rendered
        assert not again.cookies and b"csrfmiddlewaretoken" not in again.content, path


def test_a_render_that_hands_out_a_csrf_token_is_not_stored_whole(rf):
    renders = []

    @pagecache.public_page
    def page(request):
        renders.append(1)
        return HttpResponse(f"<p>{get_token(request)}</p>")

    for _ in range(2):
        request = rf.get("/token-page/")
        request.user = AnonymousUser()
        response = page(request)
        assert "private" in response["Cache-Control"]
    assert len(renders) == 2


def test_the_language_switch_is_a_get_form_and_the_english_page_is_stored_apart(client):
    html = get(client, "/stats/")[0]
    assert 'action="/i18n/language/" method="get"' in html
    response = client.get(reverse("switch-language"), {"language": "en", "next": "/stats/"})
    assert response.status_code == 302 and response["Location"] == "/stats/"
    assert '<html lang="en">' in get(client, "/stats/")[0]
    assert '<html lang="en">' in get(client, "/stats/")[0]
    client.get(reverse("switch-language"), {"language": "ko", "next": "/stats/"})
    assert '<html lang="ko">' in get(client, "/stats/")[0]


def test_the_header_shows_who_is_signed_in_even_on_a_cached_page(make_user):
    ana, ben = Client(), Client()
    ana.force_login(make_user("ana@example.com"))
    ben.force_login(make_user("ben@example.com"))
    assert "ana@example.com" in get(ana, "/stats/")[0]
    html, _ = get(ben, "/stats/")
    assert "ben@example.com" in html and "ana@example.com" not in html
    anonymous, _ = get(Client(), "/stats/")
    assert "ben@example.com" not in anonymous and reverse("account_login") in anonymous


def test_flash_messages_appear_on_a_cached_page(client, make_user):
    get(client, "/")
    user = make_user("ana@example.com")
    client.force_login(user)
    get(client, "/")  # the signed-in variant is now cached too
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    html, _ = get(client, "/")
    assert 'class="messages"' in html
    assert 'class="messages"' not in get(client, "/")[0]  # shown once, then gone


def test_korean_and_english_pages_are_cached_apart(client):
    korean, _ = get(client, "/stats/")
    english, _ = get(client, "/stats/", headers={"accept-language": "en"})
    assert '<html lang="ko">' in korean and '<html lang="en">' in english
    assert "Alliance in figures" in english and "Alliance in figures" not in korean


def test_saving_a_model_refreshes_the_pages_that_show_it(client):
    get(client, "/news/")
    article("새 소식")
    html, cold = get(client, "/news/")
    assert "새 소식" in html and cold > 0


# The travels below stay well inside pagecache.TTL, so that it is the data version, not expiry, that
# brings the change.
SEOUL = ZoneInfo("Asia/Seoul")


def test_a_scheduled_article_appears_when_its_time_comes(client):
    at = timezone.now() + datetime.timedelta(minutes=3)
    article("예약된 소식", published_at=at)
    assert "예약된 소식" not in get(client, "/news/")[0]
    assert "예약된 소식" not in get(client, "/news/")[0]
    with time_machine.travel(at + datetime.timedelta(seconds=1), tick=False):
        assert "예약된 소식" in get(client, "/news/")[0]


def test_d_day_counts_change_at_midnight_in_seoul(client):
    with time_machine.travel(datetime.datetime(2026, 11, 24, 23, 58, tzinfo=SEOUL), tick=False):
        factories.call(opens=-5, closes=3, title="일정 확인 공모")  # closes on the 27th, at 23:58
        assert "D-3" in get(client, "/projects/")[0]
    with time_machine.travel(datetime.datetime(2026, 11, 25, 0, 1, tzinfo=SEOUL), tick=False):
        assert "D-2" in get(client, "/projects/")[0]


def test_a_call_closes_on_time_on_a_cached_page(client):
    call = factories.call(opens=-5, closes=3, title="일정 확인 공모")
    with time_machine.travel(call.closes_at - datetime.timedelta(minutes=2), tick=False):
        assert "D-day" in get(client, "/projects/")[0]
    with time_machine.travel(call.closes_at + datetime.timedelta(minutes=1), tick=False):
        html, _ = get(client, "/projects/")
        assert "일정 확인 공모" in html and "D-day" not in html


def test_the_signed_in_and_the_anonymous_home_pages_are_cached_apart(client, make_user):
    join = reverse("account_signup")
    assert join in get(client, "/")[0]
    client.force_login(make_user("ana@example.com"))
    assert join not in get(client, "/")[0]


def test_unknown_parameters_and_free_text_are_rendered_without_the_cache(client):
    article("소식")
    for path in ["/news/?utm_source=mail", "/news/?category=notice&category=event", "/members/?q=두 단어"]:
        get(client, path)
        _, again = get(client, path)
        assert again > 0, path
    get(client, "/news/?category=notice")
    assert get(client, "/news/?category=notice")[1] == 0


def test_bulk_writers_invalidate_by_hand(client):
    item = article("처음 제목")
    get(client, "/news/")
    Article.objects.filter(pk=item.pk).update(title="바뀐 제목")  # no signal
    assert "처음 제목" in get(client, "/news/")[0]
    pagecache.invalidate()
    assert "바뀐 제목" in get(client, "/news/")[0]


def test_a_page_that_is_not_found_is_not_cached(client):
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/news/no-such-article/").status_code == 404
        assert len(captured) > 0  # looked up again: a 404 is never stored


# Which models public pages show: saving one of them makes every cached page stale; saving any other
# model leaves the cache alone, so that signing in or scoring a proposal does not empty it.
# Each builder saves what the row hangs on and returns the row itself unsaved.
def _review(make_user):
    return Review(proposal=factories.ready_proposal(), reviewer=make_user("reviewer@example.com"))


def _score(make_user):
    review = _review(make_user)
    review.save()
    return ReviewScore(review=review, criterion=review.proposal.call.criteria.first(), score=4)


NOT_PUBLIC = {
    "user": lambda make_user: get_user_model()(email="someone@example.com"),
    "membership": lambda make_user: Membership(user=make_user("member@example.com"),
                                               organization=factories.organization()),
    "invitation": lambda make_user: Invitation(
        organization=factories.organization(), email="invited@example.com", token_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=7)),
    "annex": lambda make_user: Annex(proposal=factories.ready_proposal(), file="proposal-annexes/annex.pdf",
                                     original_name="annex.pdf"),
    "review": _review,
    "review score": _score,
}


PUBLIC = {
    "organisation": lambda make_user: factories.organization(),
    "industry": lambda make_user: factories.industry(),
    "call": lambda make_user: factories.call(),
    "criterion": lambda make_user: factories.call().criteria.first(),
    "ai area": lambda make_user: AIArea.objects.first(),
    "proposal": lambda make_user: factories.ready_proposal(),
    "participant": lambda make_user: factories.ready_proposal().participants.first(),
    "kpi": lambda make_user: factories.ready_proposal().kpis.first(),  # a selected project's page shows its KPIs
    "proposal status change": lambda make_user: ProposalChange(  # append-only: written once, by this save
        proposal=factories.ready_proposal(), from_status="under_review", to_status="selected",
        by=make_user("decider@example.com")),
    "article": lambda make_user: article("소식"),
    "target": lambda make_user: Target.objects.first(),
}


@pytest.mark.parametrize("name", NOT_PUBLIC)
def test_saving_or_deleting_a_model_no_public_page_shows_keeps_the_cached_pages(name, make_user):
    row = NOT_PUBLIC[name](make_user)
    before = pagecache.version()
    row.save()
    row.save()
    row.delete()
    assert pagecache.version() == before


def test_recording_an_organisation_s_status_change_keeps_the_cached_pages():
    organization = factories.organization()  # the history is append-only: it is only ever added to
    before = pagecache.version()
    MemberChange.objects.create(organization=organization, from_status="pending", to_status="approved")
    assert pagecache.version() == before


@pytest.mark.parametrize("name", PUBLIC)
def test_saving_a_model_a_public_page_shows_refreshes_the_cached_pages(name, make_user):
    row = PUBLIC[name](make_user)
    before = pagecache.version()
    row.save()
    assert pagecache.version() != before


def test_deleting_a_public_row_refreshes_the_cached_pages():
    criterion = factories.call().criteria.first()
    before = pagecache.version()
    criterion.delete()
    assert pagecache.version() != before


def test_changing_a_proposal_s_ai_areas_refreshes_the_cached_pages():
    proposal = factories.ready_proposal()
    before = pagecache.version()
    proposal.ai_areas.add(AIArea.objects.last())
    assert pagecache.version() != before


def test_pages_refreshed_makes_stored_pages_stale_and_queues_no_recount(db):
    # Counts computed in the background (portal.derived) call it once stored: the pages rendered from the previous
    # counts go stale, and no data_changed is sent (which would queue the recount again, for ever).
    sent = []

    def receiver(**kwargs):
        sent.append(kwargs)

    pagecache.data_changed.connect(receiver)
    try:
        before = pagecache.version()
        pagecache.pages_refreshed()
        assert pagecache.version() != before and sent == []
        pagecache.invalidate()
        assert len(sent) == 1
    finally:
        pagecache.data_changed.disconnect(receiver)
