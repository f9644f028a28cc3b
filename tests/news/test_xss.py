"""Hostile input in every field an editor or a feed controls never becomes live markup on a page or in a feed."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest
from django.core.exceptions import ValidationError

from news.models import Article, Status
from news.services import article_save, import_feed

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "<a href=\"javascript:alert(1)\">click</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    "<iframe src=//evil.example></iframe>",
    "<div style=\"background:url(javascript:alert(1))\" onmouseover='alert(1)'>",
    "</title><script>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<details open ontoggle=alert(1)>",
    "</script><script>alert('ld')</script>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
]

DANGEROUS_TAGS = {"script", "svg", "iframe", "math", "details", "img", "object", "embed", "style", "base"}
OUR_SCRIPTS = ({"type": "application/ld+json"}, {"src": "/static/js/portal.js", "defer": None})
OUR_DETAILS = {"class": "krds-drop-wrap krds-language drop-right"}  # the header's language switcher


class _LiveMarkupFinder(HTMLParser):
    """Collects real tags and attributes (as a browser would see them) that could run or load something."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs in OUR_SCRIPTS:
            return
        if tag == "img" and (attrs.get("src") or "").startswith("/news/"):
            return
        if tag == "details" and attrs == OUR_DETAILS:
            return
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "xlink:href") and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.I
            ):
                self.found.append(f"{tag} {name}={value}")


def _live_markup(html):
    finder = _LiveMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found


@pytest.fixture
def hostile_article(db):
    def make(payload):
        article = Article(title=f"제목 {payload}", summary=f"요약 {payload}", body=f"본문 {payload}\n\n**굵게**",
                          source_name=f"출처 {payload}", status=Status.PUBLISHED)
        from django.utils import timezone

        article.published_at = timezone.now()
        return article_save(article=article)

    return make


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_title_summary_body_and_source_name_stay_inert_on_pages(client, hostile_article, payload):
    article = hostile_article(payload)
    for path in (article.get_absolute_url(), "/news/", "/", "/news/?q=" + "제목"):
        html = client.get(path).content.decode()
        assert _live_markup(html) == [], path
    detail = client.get(article.get_absolute_url()).content.decode()
    ld = re.findall(r'<script type="application/ld\+json">(.*?)</script>', detail, re.S)
    assert len(ld) == 1 and "<" not in ld[0] and ">" not in ld[0]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_inert_in_feeds(client, hostile_article, payload):
    hostile_article(payload)
    for path in ("/news/feed/", "/news/rss/"):
        raw = client.get(path).content
        root = ET.fromstring(raw)
        parsed = feedparser.parse(raw)
        assert not parsed.bozo
        # Elements readers treat as HTML must hold escaped text only once XML-decoded.
        for element in root.iter():
            tag = element.tag.split("}")[-1]
            if tag in ("summary", "description", "content"):
                assert _live_markup(element.text or "") == [], (path, element.text)
        # Plain-text elements are text: after XML decoding they hold the payload as characters, never as
        # XML children.
        for element in root.iter():
            assert element.tag.split("}")[-1] not in ("script", "svg", "iframe", "img", "a", "math")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "JaVaScRiPt:alert(1)", " javascript:alert(1)", "vbscript:msgbox(1)"])
def test_a_hostile_source_address_is_refused(db, url):
    article = Article(title="t", summary="s", source_url=url)
    with pytest.raises(ValidationError):
        article_save(article=article)


def test_the_page_links_a_source_address_only_when_it_is_http():
    # The form, the model and a database check refuse other schemes; the template guard is the last line.
    assert Article(source_url="javascript:alert(1)").source_link == ""
    assert Article(source_url="data:text/html,x").source_link == ""
    assert Article(source_url="https://newsdao.kr/4983").source_link == "https://newsdao.kr/4983"


def test_stored_html_written_around_the_renderer_is_filtered_on_the_way_out(client, db):
    from django.utils import timezone

    article = article_save(article=Article(title="t", summary="s", status=Status.PUBLISHED,
                                           published_at=timezone.now(), body="ok"))
    Article.objects.filter(pk=article.pk).update(body_html="<p>ok</p><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert _live_markup(html) == []


def test_hostile_feed_entries_stay_inert_on_pages_and_feeds(db, client, tmp_path):
    from django.utils import timezone

    from .test_importer import HOSTILE_FEED

    path = tmp_path / "hostile.xml"
    path.write_text(HOSTILE_FEED, encoding="utf-8")
    article = import_feed(source=str(path)).created[0]
    article.status, article.published_at = Status.PUBLISHED, timezone.now()
    article_save(article=article)
    assert _live_markup(client.get(article.get_absolute_url()).content.decode()) == []
    for feed in ("/news/feed/", "/news/rss/"):
        assert not feedparser.parse(client.get(feed).content).bozo
