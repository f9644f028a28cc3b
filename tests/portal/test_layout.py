"""The layout's parts outside the browser: site pages, breadcrumbs, flash messages, status badges, dates."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import resolve
from django.utils import formats, translation

from members.models import Organization
from news.models import Article, Status
from portal.templatetags.portal_tags import BADGE_VARIANTS
from projects.models import Proposal

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Badge variants whose text fails WCAG AA on their own background (contrast table in the KRDS notes).
FAILING_VARIANTS = {"bg-disabled", "bg-light-disabled", "outline-disabled"}


# --- the pages the footer links to --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/privacy/", "/terms/", "/contact/"])
def test_footer_pages_are_public_and_cached(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'class="krds-breadcrumb-wrap"' in response.content.decode()
    assert hasattr(resolve(path).func, "__wrapped__")  # portal.pagecache.public_page


@pytest.mark.django_db
def test_every_page_links_the_privacy_policy_first_and_emphasised(client):
    footer = client.get("/news/").content.decode().split('<footer id="krds-footer">')[1]
    links = re.findall(r'<a href="(/[a-z]+/)"( class="point")?>', footer.split('class="f-menu"')[1])
    assert links == [("/privacy/", ' class="point"'), ("/terms/", ""), ("/contact/", "")]


@pytest.mark.django_db
def test_the_privacy_policy_names_what_is_kept_and_for_how_long(client):
    with translation.override("en"):
        page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for kept in ("email address", "business registration number", "SME or mid-sized enterprise certificates",
                 "Mails sent", "30 days after sending (90 days if delivery failed)", "Records of access"):
        assert kept in page, kept


# --- breadcrumbs --------------------------------------------------------------------------------------


def test_breadcrumb_starts_at_home_and_ends_with_the_current_page_as_text():
    html = Template('{% load portal_tags %}{% breadcrumb "소식" "/news/" "출범" %}').render(Context())
    items = re.findall(r"<li[^>]*>(.*?)</li>", html)
    assert items[1] == '<a href="/news/" class="txt">소식</a>'
    assert items[2] == '<span class="txt" aria-current="page">출범</span>'
    assert 'href="/"' in items[0]


# --- flash messages -----------------------------------------------------------------------------------


def test_messages_keep_list_semantics_and_errors_are_alerts():
    messages = [Message(constants.SUCCESS, "저장했습니다."), Message(constants.ERROR, "실패했습니다.")]
    html = render_to_string("includes/messages.html", {"messages": messages})
    alert, status = re.findall(
        r'<div class="messages" role="(\w+)">\s*<ul class="message-list" role="list">(.*?)</ul>', html, re.S)
    assert alert[0] == "alert" and "실패했습니다." in alert[1] and "저장했습니다." not in alert[1]
    assert status[0] == "status" and "저장했습니다." in status[1]


# --- status badges ------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Proposal, Organization])
def test_every_status_has_a_readable_badge(model):
    variants = BADGE_VARIANTS[model._meta.label_lower]
    assert set(variants) == set(model.Status.values)
    assert not set(variants.values()) & FAILING_VARIANTS


def test_articles_and_calls_have_readable_badges():
    assert set(BADGE_VARIANTS["news.article"]) == set(Status.values)
    assert not set(BADGE_VARIANTS["call"].values()) & FAILING_VARIANTS


def test_the_badge_shows_the_status_word_in_a_krds_badge():
    with translation.override("ko"):
        html = Template("{% load portal_tags %}{% status_badge proposal %}").render(
            Context({"proposal": Proposal(status=Proposal.Status.SELECTED)}))
    assert html.strip() == f'<span class="krds-badge bg-light-success status-badge" data-status="selected">' \
                           f'{Proposal.Status.SELECTED.label}</span>'


def test_an_article_badge_uses_the_article_table():
    html = Template("{% load portal_tags %}{% status_badge article %}").render(
        Context({"article": Article(status=Status.DRAFT)}))
    assert "bg-light-gray" in html


def test_no_template_uses_the_chart_colours_on_a_badge():
    for template in TEMPLATES.rglob("*.html"):
        assert not re.search(r'class="badge status-', template.read_text()), template


# --- dates --------------------------------------------------------------------------------------------

MOMENT = datetime.datetime(2026, 12, 1, 15, 5, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.mark.parametrize(("format_name", "korean"), [
    ("DATE_FORMAT", "2026년 12월 1일"),
    ("SHORT_DATE_FORMAT", "2026. 12. 1."),
    ("DATETIME_FORMAT", "2026년 12월 1일 15:05"),
    ("SHORT_DATETIME_FORMAT", "2026. 12. 1. 15:05"),
    ("TIME_FORMAT", "15:05"),
])
def test_korean_dates_read_as_korean_public_services_write_them(format_name, korean):
    with translation.override("ko"):
        assert formats.date_format(MOMENT, format_name) == korean


def test_english_times_use_the_same_24_hour_clock():
    with translation.override("en"):
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == "Dec. 1, 2026, 15:05"


# A moment for <time datetime>: "c" would add microseconds, which HTML's date strings do not allow.
MACHINE_MOMENT = r"Y-m-d\TH:i:sO"


def test_templates_show_dates_only_through_the_locale_formats():
    """A literal format such as "Y-m-d" in a template would bypass portal/formats (machine formats aside)."""
    allowed = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT", "c",
               "Y-m-d", MACHINE_MOMENT}
    for template in TEMPLATES.rglob("*"):
        if template.suffix not in (".html", ".txt"):
            continue
        for match in re.finditer(r"""\|date:["']([^"']*)["']""", template.read_text()):
            fmt = match.group(1)
            assert fmt in allowed, f"{template}: |date:{fmt!r}"
            # Only in a machine-readable attribute: <time datetime="{{ day|date:'Y-m-d' }}">
            if fmt in ("Y-m-d", MACHINE_MOMENT):
                before = template.read_text()[:match.start()]
                assert re.search(r'datetime="\{\{[^"}]*$', before), f"{template}: |date:'Y-m-d' shown as text"
