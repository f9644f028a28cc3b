"""A news editor writes an article in Markdown, previews it, schedules it and publishes it;
when its time comes it is on /news/, on the home page and in the Atom feed, with no cron job."""

import datetime
from urllib.parse import unquote

import feedparser
import pytest
import time_machine
from django.utils import timezone
from selenium.webdriver.common.by import By

from news.models import Article
from tests.browser.conftest import desktop_only
from tests.browser.helpers import (
    admin_action,
    admin_messages,
    choose,
    click_to_new_page,
    fill,
    go,
    on_site_without_cookies,
    press,
    sign_in,
    text_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "AI 자율제조 얼라이언스 분과별 성과 공유회"
BODY = """## 행사 개요

12개 업종 분과가 **선도 프로젝트** 중간 성과를 발표합니다.

- 장소: 서울 대한상공회의소
- 대상: 회원사와 기관
"""


def fetch_text(browser, path):
    """What a feed reader gets at `path`, fetched from the page (same origin)."""
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text()).then(done, e => done('ERROR ' + e));",
        path,
    )


@desktop_only
def test_editor_writes_previews_schedules_and_publishes_an_article(browser, staff_member):
    editor, secret = staff_member("editor@ministry.example", "News editors")
    sign_in(browser, editor.email, totp_secret=secret)

    # --- write it in Markdown, saved as a draft -------------------------------------------------
    go(browser, "/admin/news/article/add/")
    fill(browser, "title", TITLE, scope="#content")
    choose(browser, "category", value="event", scope="#content")
    fill(browser, "summary", "업종 분과가 선도 프로젝트 성과를 나눕니다.", scope="#content")
    fill(browser, "body", BODY, scope="#content")
    press(browser, "#content input[name=_continue]")
    article = Article.objects.get(title=TITLE)
    assert article.status == "draft" and article.slug

    # --- preview: the Markdown is rendered, and the page says it is a draft ------------------------
    preview = browser.find_element(By.CSS_SELECTOR, f"#content a[href='/admin/news/article/{article.pk}/preview/']")
    click_to_new_page(browser, preview)
    assert "초안입니다. 아직 공개되지 않았으며" in text_of(browser, "#content")
    body = browser.find_element(By.CSS_SELECTOR, ".news-body")
    assert body.find_element(By.TAG_NAME, "h2").text == "행사 개요"
    assert body.find_element(By.TAG_NAME, "strong").text == "선도 프로젝트"
    assert len(body.find_elements(By.CSS_SELECTOR, "ul li")) == 2
    assert "**" not in body.text

    # --- schedule it two hours ahead (Seoul time), then publish it ------------------------------------
    when = timezone.localtime() + datetime.timedelta(hours=2)
    go(browser, f"/admin/news/article/{article.pk}/change/")
    fill(browser, "published_at_0", when.strftime("%Y-%m-%d"), scope="#content")
    fill(browser, "published_at_1", when.strftime("%H:%M:%S"), scope="#content")
    press(browser, "#content input[name=_continue]")
    admin_action(browser, "/admin/news/article/", [article.pk], "publish")
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#content form input[type=submit]"))
    assert "기사 1건을 변경했습니다." in admin_messages(browser)
    assert "예약됨" in text_of(browser, "#result_list")
    article.refresh_from_db()
    assert article.status == "published" and article.is_scheduled

    # --- before its time the public sees nothing --------------------------------------------------------
    on_site_without_cookies(browser)
    go(browser, "/news/")
    assert TITLE not in text_of(browser)
    go(browser, article.get_absolute_url())
    assert text_of(browser, "main h1") == "페이지를 찾을 수 없습니다"
    assert TITLE not in fetch_text(browser, "/news/feed/")

    # --- its time comes: the list, the article, the home page and the feed show it ----------------------
    with time_machine.travel(when + datetime.timedelta(minutes=5), tick=True):
        go(browser, "/news/")
        click_to_new_page(browser, browser.find_element(By.LINK_TEXT, TITLE))
        assert browser.find_element(By.CSS_SELECTOR, "main h1").text == TITLE
        assert browser.find_element(By.CSS_SELECTOR, "main h2").text == "행사 개요"

        go(browser, "/")
        assert browser.find_elements(By.LINK_TEXT, TITLE), text_of(browser)

        feed = feedparser.parse(fetch_text(browser, "/news/feed/"))
        assert not feed.bozo and feed.version == "atom10"
        entry = next(e for e in feed.entries if e.title == TITLE)
        assert unquote(entry.link).endswith(f"/news/{article.slug}/")
        assert "업종 분과가 선도 프로젝트 성과를 나눕니다." in entry.summary
