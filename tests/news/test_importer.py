"""import_news / import_feed: feed files written here, never the network."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from news.models import Article, Status
from news.services import FeedError, import_feed

ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>산업부 보도자료</title>
  <id>urn:example:feed</id>
  <updated>2024-03-19T10:00:00+09:00</updated>
  <entry>
    <title>AI 자율제조 얼라이언스 출범</title>
    <link href="https://example.go.kr/press/1"/>
    <id>urn:example:press:1</id>
    <published>2024-03-19T10:00:00+09:00</published>
    <updated>2024-03-19T10:00:00+09:00</updated>
    <summary>출범식 소식입니다.</summary>
    <content type="html">&lt;p&gt;153개 &lt;b&gt;기업·기관&lt;/b&gt;이 참여합니다.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>선도 프로젝트 공모</title>
    <link href="https://example.go.kr/press/2"/>
    <id>urn:example:press:2</id>
    <updated>2024-04-01T09:00:00+09:00</updated>
    <summary>공모 안내입니다.</summary>
  </entry>
</feed>
"""

RSS_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>뉴스다오</title><link>https://newsdao.kr/</link><description>news</description>
  <item>
    <title>제조업 AI 도입률 40% 목표</title>
    <link>https://newsdao.kr/4983</link>
    <guid>https://newsdao.kr/4983</guid>
    <pubDate>Tue, 19 Mar 2024 01:00:00 GMT</pubDate>
    <description>&lt;p&gt;도입률을 &lt;i&gt;40%&lt;/i&gt;로&lt;/p&gt;</description>
  </item>
  <item>
    <title>같은 기사가 두 번</title>
    <link>https://newsdao.kr/4983</link>
    <description>dup</description>
  </item>
  <item>
    <link>https://newsdao.kr/no-title</link>
    <description>제목 없음</description>
  </item>
  <item>
    <title>링크 없음</title>
    <description>no link</description>
  </item>
  <item>
    <title>자바스크립트 링크</title>
    <link>javascript:alert(1)</link>
  </item>
</channel></rss>
"""

HOSTILE_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>hostile</title><link>https://evil.example/</link><description>x</description>
  <item>
    <title>&lt;script&gt;alert('title')&lt;/script&gt;악성 제목</title>
    <link>https://evil.example/1</link>
    <description><![CDATA[<p onclick="alert(1)">본문</p><script>alert(2)</script><img src=x onerror=alert(3)>
      <a href="javascript:alert(4)">js</a><a href="data:text/html;base64,PHNjcmlwdD4=">data</a>
      <svg onload="alert(5)"><circle/></svg><iframe src="https://evil.example"></iframe><b>굵게</i>]]></description>
  </item>
</channel></rss>
"""


@pytest.fixture
def feed_file(tmp_path):
    def write(text, name="feed.xml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_an_atom_feed_becomes_draft_articles_with_their_source(db, feed_file):
    result = import_feed(source=feed_file(ATOM_FEED), source_name="산업통상자원부")
    assert len(result.created) == 2 and result.skipped == [] and result.rejected == []
    article = Article.objects.get(guid="urn:example:press:1")
    assert article.status == Status.DRAFT
    assert article.title == "AI 자율제조 얼라이언스 출범"
    assert article.source_name == "산업통상자원부"
    assert article.source_url == "https://example.go.kr/press/1"
    assert str(article.source_published_on) == "2024-03-19"
    assert article.summary == "출범식 소식입니다."
    assert "<p>153개 <b>기업·기관</b>이 참여합니다.</p>" in article.body_html
    assert article.slug == "ai-자율제조-얼라이언스-출범"


def test_the_feed_title_is_the_source_name_by_default(db, feed_file):
    import_feed(source=feed_file(ATOM_FEED))
    assert set(Article.objects.values_list("source_name", flat=True)) == {"산업부 보도자료"}


def test_an_rss_feed_imports_good_items_and_explains_the_rest(db, feed_file):
    result = import_feed(source=feed_file(RSS_FEED), source_name="뉴스다오")
    assert [a.title for a in result.created] == ["제조업 AI 도입률 40% 목표"]
    assert [label for label, _reason in result.skipped] == ["같은 기사가 두 번"]
    reasons = dict(result.rejected)
    assert len(result.rejected) == 3
    assert "https://newsdao.kr/no-title" in reasons
    assert "링크 없음" in reasons
    assert "자바스크립트 링크" in reasons
    assert Article.objects.get().source_published_on.isoformat() == "2024-03-19"


def test_importing_again_skips_what_is_already_there(db, feed_file):
    path = feed_file(ATOM_FEED)
    import_feed(source=path)
    again = import_feed(source=path)
    assert again.created == [] and len(again.skipped) == 2
    assert Article.objects.count() == 2


def test_an_entry_is_skipped_when_its_source_address_exists_under_another_id(db, feed_file, make_article):
    make_article("수기로 옮긴 기사", source_url="https://example.go.kr/press/2")
    result = import_feed(source=feed_file(ATOM_FEED))
    assert [a.guid for a in result.created] == ["urn:example:press:1"]
    assert len(result.skipped) == 1


def test_hostile_html_is_sanitised_on_import(db, feed_file, client):
    result = import_feed(source=feed_file(HOSTILE_FEED))
    article = result.created[0]
    assert article.title == "악성 제목"
    for stored in (article.body, article.body_html, article.summary):
        for bad in ("<script", "onclick", "onerror", "javascript:", "data:text", "<svg", "<iframe", "onload"):
            assert bad not in stored
    assert "<b>굵게</b>" in article.body_html


@pytest.mark.parametrize("text", ["this is not xml at all", "<html><body>not a feed</body></html>",
                                  '<?xml version="1.0"?><rss version="2.0"><channel><item><title>x'])
def test_a_broken_feed_raises_and_writes_nothing(db, feed_file, text):
    with pytest.raises(FeedError):
        import_feed(source=feed_file(text))
    assert Article.objects.count() == 0


def test_a_missing_file_raises_a_clear_error(db, tmp_path):
    with pytest.raises(FeedError, match="could not be read|읽을 수 없"):
        import_feed(source=str(tmp_path / "nope.xml"))


def test_an_unreachable_feed_raises_a_clear_error(db):
    with pytest.raises(FeedError):
        import_feed(source="http://127.0.0.1:9/feed.xml")
    assert Article.objects.count() == 0


def test_other_url_schemes_are_refused(db):
    with pytest.raises(FeedError):
        import_feed(source="file:///etc/passwd")


def test_a_failure_midway_rolls_back_the_whole_import(db, feed_file, monkeypatch):
    from news import services

    calls = {"n": 0}
    real = services.article_save

    def fail_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "article_save", fail_on_second)
    with pytest.raises(RuntimeError):
        import_feed(source=feed_file(ATOM_FEED))
    assert Article.objects.count() == 0


def test_command_prints_counts_and_reasons(db, feed_file):
    out = StringIO()
    call_command("import_news", feed_file(RSS_FEED), "--source-name", "뉴스다오", stdout=out)
    text = out.getvalue()
    assert "created 1, skipped 1, rejected 3" in text
    assert "rejected: 링크 없음:" in text
    assert Article.objects.get().source_name == "뉴스다오"


def test_command_fails_clearly_on_a_broken_feed(db, feed_file):
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_news", feed_file("garbage"), stdout=StringIO())
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_news", "/no/such/feed.xml", stdout=StringIO())
