"""Atom and RSS feeds, autodiscovery and the sitemap."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from news.models import Category, Status

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def two_articles(make_article):
    older = make_article("공모 안내", summary="제안서를 받습니다 & 안내합니다", category=Category.NOTICE,
                         published_at=timezone.now() - datetime.timedelta(days=2))
    newer = make_article("출범 소식", summary="153개 기업·기관 참여", category=Category.PRESS_RELEASE,
                         published_at=timezone.now() - datetime.timedelta(days=1))
    return older, newer


def _parse(client, path):
    response = client.get(path)
    assert response.status_code == 200
    ET.fromstring(response.content)  # well-formed XML, or this raises
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


def test_atom_feed_parses_with_every_field(client, two_articles):
    older, newer = two_articles
    response, parsed = _parse(client, "/news/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "AI 자율제조 얼라이언스"
    assert parsed.feed.link == "http://testserver/news/"
    assert [e.title for e in parsed.entries] == ["출범 소식", "공모 안내"]
    entry = parsed.entries[1]
    assert entry.link == f"http://testserver{older.get_absolute_url()}"
    assert entry.id == entry.link
    assert entry.summary == "제안서를 받습니다 &amp; 안내합니다"
    assert entry.author
    assert [t.term for t in entry.tags] == ["공지"]
    assert datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC) == older.published_at.replace(
        microsecond=0)
    assert entry.updated_parsed


def test_rss_feed_parses_with_every_field(client, two_articles):
    older, newer = two_articles
    response, parsed = _parse(client, "/news/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert parsed.version == "rss20"
    assert parsed.feed.language == "ko"
    assert parsed.feed.description
    entry = parsed.entries[0]
    assert entry.title == "출범 소식"
    assert entry.link == f"http://testserver{newer.get_absolute_url()}"
    assert entry.id == entry.link
    assert entry.summary == "153개 기업·기관 참여"
    assert [t.term for t in entry.tags] == ["보도자료"]
    assert entry.published_parsed and entry.author


def test_empty_feeds_are_still_valid(client, db):
    for path in ("/news/feed/", "/news/rss/"):
        _response, parsed = _parse(client, path)
        assert parsed.entries == []


def test_every_page_advertises_the_feeds(client, db):
    content = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in content and 'href="/news/feed/"' in content
    assert '<link rel="alternate" type="application/rss+xml"' in content and 'href="/news/rss/"' in content


def test_sitemap_lists_public_pages_and_published_articles_only(client, make_article):
    public = make_article("공개 기사")
    draft = make_article("초안", status=Status.DRAFT)
    scheduled = make_article("예약", published_at=timezone.now() + datetime.timedelta(days=1))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "http://testserver/" in locs
    assert "http://testserver/news/" in locs
    assert f"http://testserver{public.get_absolute_url()}" in locs
    assert f"http://testserver{draft.get_absolute_url()}" not in locs
    assert f"http://testserver{scheduled.get_absolute_url()}" not in locs
