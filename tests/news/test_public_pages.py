"""What the public sees at /news/, /news/<slug>/ and on the home page."""

import datetime
import json
import re

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from news.models import Category, Status
from portal import derived, pagecache

from .conftest import png_upload


def test_list_shows_published_articles_newest_first(client, make_article):
    old = make_article("Older", published_at=timezone.now() - datetime.timedelta(days=2))
    new = make_article("Newer", published_at=timezone.now() - datetime.timedelta(days=1))
    content = client.get("/news/").content.decode()
    assert content.index(new.title) < content.index(old.title)


def test_list_is_paginated_by_ten(client, make_article):
    for _ in range(12):
        make_article()
    first = client.get("/news/")
    assert len(first.context["page"].object_list) == 10
    second = client.get("/news/?page=2")
    assert len(second.context["page"].object_list) == 2


def test_list_filters_by_category(client, make_article):
    make_article("공모 안내문", category=Category.NOTICE)
    make_article("워크숍 개최", category=Category.EVENT)
    content = client.get("/news/?category=event").content.decode()
    assert "워크숍 개최" in content
    assert "공모 안내문" not in content


def test_an_unknown_category_shows_everything(client, make_article):
    make_article("공모 안내문")
    assert "공모 안내문" in client.get("/news/?category=nope").content.decode()


@pytest.mark.parametrize("query", ["출범식", "얼라이언스", "용접", "AI 공정", "ai"])
def test_search_finds_words_in_title_summary_and_body(client, make_article, query):
    make_article("AI 자율제조 얼라이언스의 출범식", summary="행사 소식", body="용접 공정에 AI를 씁니다.")
    make_article("Unrelated", summary="nothing", body="nothing")
    titles = [a.title for a in client.get("/news/", {"q": query}).context["page"].object_list]
    assert titles == ["AI 자율제조 얼라이언스의 출범식"]


def test_search_without_match_says_so(client, make_article):
    make_article("AI 자율제조")
    response = client.get("/news/", {"q": "반도체"})
    assert list(response.context["page"].object_list) == []
    assert "0" in response.content.decode()


def test_search_ignores_query_syntax_characters(client, make_article):
    make_article("AI 자율제조")
    assert client.get("/news/", {"q": "'&|!:*()"}).status_code == 200
    assert client.get("/news/", {"q": "자율:* & !"}).context["page"].object_list[0].title == "AI 자율제조"


def test_drafts_are_never_public(client, make_article):
    draft = make_article("비공개 초안", status=Status.DRAFT)
    assert client.get(f"/news/{draft.slug}/").status_code == 404
    assert "비공개 초안" not in client.get("/news/").content.decode()
    assert "비공개 초안" not in client.get("/news/feed/").content.decode()
    assert "비공개 초안" not in client.get("/news/rss/").content.decode()
    assert draft.slug not in client.get("/sitemap.xml").content.decode()


def test_an_unpublished_article_disappears_again(client, make_article):
    from news.services import article_unpublish

    article = make_article("잠시 게시")
    article_unpublish(article=article, by=None)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_article_appears_by_itself_when_its_time_comes(client, make_article):
    at = timezone.make_aware(datetime.datetime(2031, 5, 1, 9, 0))
    with time_machine.travel(at - datetime.timedelta(minutes=1), tick=False):
        article = make_article("예약된 행사 안내", published_at=at)
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "예약된 행사 안내" not in client.get("/news/").content.decode()
        assert "예약된 행사 안내" not in client.get("/news/feed/").content.decode()
        assert "예약된 행사 안내" not in client.get("/").content.decode()
    with time_machine.travel(at, tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "예약된 행사 안내" in client.get("/news/").content.decode()
        assert "예약된 행사 안내" in client.get("/news/feed/").content.decode()
        assert "예약된 행사 안내" in client.get("/").content.decode()


def test_detail_has_the_attribution_line(client, make_article):
    article = make_article("출범 소식", source_name="뉴스다오", source_url="https://newsdao.kr/4983",
                           source_published_on=datetime.date(2024, 3, 19))
    content = client.get(article.get_absolute_url()).content.decode()
    line = re.search(r'<p class="news-source meta">(.*?)</p>', content, re.S).group(1)
    assert "출처" in line
    assert "뉴스다오" in line
    assert "2024년 3월 19일" in line
    assert '<a href="https://newsdao.kr/4983" rel="nofollow noopener noreferrer">' in line


def test_detail_has_canonical_open_graph_and_twitter_meta(client, make_article):
    article = make_article("출범 소식", summary="요약 문장")
    content = client.get(article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in content
    assert f'<meta property="og:url" content="{url}">' in content
    assert '<meta property="og:title" content="출범 소식">' in content
    assert '<meta property="og:description" content="요약 문장">' in content
    assert '<meta property="og:type" content="article">' in content
    assert '<meta name="twitter:card" content="summary">' in content
    assert '<meta name="twitter:title" content="출범 소식">' in content


def test_detail_has_news_article_json_ld(client, make_article):
    article = make_article("출범 소식", summary="요약", source_url="https://newsdao.kr/4983", source_name="뉴스다오")
    content = client.get(article.get_absolute_url()).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "출범 소식"
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["mainEntityOfPage"] == f"http://testserver{article.get_absolute_url()}"
    assert data["isBasedOn"] == "https://newsdao.kr/4983"
    assert data["publisher"]["name"]


def test_detail_links_to_previous_and_next_articles(client, make_article):
    now = timezone.now()
    first = make_article("첫째", published_at=now - datetime.timedelta(days=3))
    middle = make_article("둘째", published_at=now - datetime.timedelta(days=2))
    last = make_article("셋째", published_at=now - datetime.timedelta(days=1))
    make_article("초안", status=Status.DRAFT)
    response = client.get(middle.get_absolute_url())
    assert response.context["previous_article"] == first
    assert response.context["next_article"] == last
    assert client.get(last.get_absolute_url()).context["next_article"] is None


def test_articles_at_the_same_minute_still_have_an_order(client, make_article):
    at = timezone.now() - datetime.timedelta(hours=1)
    a, b = make_article("A", published_at=at), make_article("B", published_at=at)
    assert client.get(a.get_absolute_url()).context["next_article"] == b
    assert client.get(b.get_absolute_url()).context["previous_article"] == a


def test_cover_is_served_from_private_storage_with_cache_headers(client, make_article):
    article = make_article("표지 있는 글", cover=png_upload(), cover_alt="공장 전경")
    detail = client.get(article.get_absolute_url()).content.decode()
    assert f'<img src="{article.cover_url()}" alt="공장 전경">' in detail
    assert '<meta name="twitter:card" content="summary_large_image">' in detail
    response = client.get(article.cover_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    assert response["Last-Modified"]
    assert response.content.startswith(b"\x89PNG")


def test_a_drafts_cover_is_not_public(client, make_article):
    article = make_article("초안", status=Status.DRAFT, cover=png_upload())
    assert client.get(f"/news/{article.slug}/cover").status_code == 404


def test_an_article_without_cover_has_no_cover_address(client, make_article):
    article = make_article("표지 없음")
    assert client.get(f"/news/{article.slug}/cover").status_code == 404


def test_home_page_shows_the_three_latest_articles(client, make_article):
    for n in range(5):
        make_article(f"소식 {n}", published_at=timezone.now() - datetime.timedelta(days=5 - n))
    content = client.get("/").content.decode()
    assert "소식 4" in content and "소식 3" in content and "소식 2" in content
    assert "소식 1" not in content


@pytest.mark.parametrize("path", ["/news/", "/news/?category=notice", "/news/?q=Article", "/news/?page=2", "/"])
def test_list_pages_use_the_same_few_queries_at_any_size(client, make_article, django_assert_num_queries, path):
    # Page 2 exists at both sizes; an anonymous visitor costs a count and a page of rows, no more.
    for _ in range(11):
        make_article()
    derived.refresh()  # as the worker does: a request reads the stored figures (one row), never counts them
    cache.clear()
    # The home page also shows open calls and the alliance's figures (one query, then cached: start cold).
    # A page rendered for the page cache adds 2 queries, the next scheduled article and the next call
    # opening or closing; once cached it runs none. A search is never cached.
    cached = "q=" not in path
    expected = (3 if path == "/" else 2) + (2 if cached else 0)
    with django_assert_num_queries(expected):
        assert client.get(path).status_code == 200
    for _ in range(30):
        make_article()
    cache.clear()
    with django_assert_num_queries(expected):
        assert client.get(path).status_code == 200
    with django_assert_num_queries(0 if cached else expected):
        assert client.get(path).status_code == 200


def test_search_uses_full_text_search_on_postgresql_and_a_substring_match_elsewhere(db):
    from django.db import connection

    from news.models import Article

    sql = str(Article.objects.published().search("자율제조").query)
    if connection.vendor == "postgresql":
        assert "to_tsvector" in sql and "to_tsquery" in sql
    else:
        assert "LIKE" in sql and "to_tsvector" not in sql


def test_an_update_line_appears_only_after_a_real_revision(client, make_article):
    from news.models import Article

    backdated = make_article("옮겨 실은 글", published_at=timezone.now() - datetime.timedelta(days=300))
    assert "· 수정" not in client.get(backdated.get_absolute_url()).content.decode()
    Article.objects.filter(pk=backdated.pk).update(updated_at=timezone.now() + datetime.timedelta(hours=2))
    pagecache.invalidate()  # update() sends no signals: a bulk writer tells the page cache itself
    assert "· 수정" in client.get(backdated.get_absolute_url()).content.decode()


def test_editors_may_see_a_drafts_cover_for_the_preview(client, editor, make_article):
    article = make_article("초안", status=Status.DRAFT, cover=png_upload())
    client.force_login(editor)
    response = client.get(article.cover_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
