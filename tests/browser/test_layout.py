"""The KRDS layout in a real browser: badges that read at WCAG AA, tables that stay readable at phone
width, the company area in the header, the language switch without script, and screenshots of the main
pages at desktop and phone size (tests/artifacts/layout/, for people to look at)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from selenium.webdriver.common.by import By

from projects.models import Proposal
from tests import personas
from tests.browser.conftest import desktop_only, phone_only
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    click_to_new_page,
    go,
    html_lang,
    language_button,
    path_of,
    sign_in_with_session,
    text_of,
)
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# WCAG 2 contrast of each badge's text on its own background, read from the computed style.
BADGE_CONTRAST = """
    const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    const lum = c => { const [r, g, b] = c.map(channel); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const background = el => { for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor, a = c.match(/[\\d.]+/g);
        if (a && (a.length < 4 || Number(a[3]) > 0)) return c; } return 'rgb(255, 255, 255)'; };
    return [...document.querySelectorAll('.status-badge')].map(el => {
        const [l1, l2] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(background(el)))].sort((a, b) => b - a);
        return {text: el.textContent.trim(), status: el.dataset.status, ratio: (l1 + 0.05) / (l2 + 0.05)};
    });
"""

# Table cells narrower than three characters of their own font: where Korean breaks into a syllable per line.
NARROW_CELLS = """
    return [...document.querySelectorAll('main td, main th')].filter(cell => cell.innerText.trim().length > 2)
        .map(cell => ({text: cell.innerText.trim().slice(0, 30), width: cell.getBoundingClientRect().width,
                       needed: 3 * parseFloat(getComputedStyle(cell).fontSize)}))
        .filter(cell => cell.width < cell.needed);
"""


@pytest.fixture
def every_status(portal_world):
    """The owner's company leads one proposal in every status (a call each); the world's own draft is one."""
    lead = portal_world.owner.membership.organization
    for status in Proposal.Status:
        if status != Proposal.Status.DRAFT:
            personas.proposal(personas.call(title=f"{status.label} 공모"), lead, status=status,
                              title=f"{status.label} 상태의 제안서")
    return portal_world


def badges(browser):
    return browser.execute_script(BADGE_CONTRAST)


def test_every_status_badge_reads_at_wcag_aa(browser, every_status):
    sign_in_with_session(browser, every_status.owner)
    go(browser, "/my/proposals/")
    found = badges(browser)
    assert {b["status"] for b in found} == set(Proposal.Status.values)
    go(browser, "/my/")
    found += badges(browser)
    go(browser, "/projects/")
    found += badges(browser)
    assert {"open", "closed"} <= {b["status"] for b in found}
    weak = [b for b in found if b["ratio"] < 4.5]
    assert not weak, weak
    # The word says the status: no badge is colour alone.
    assert all(b["text"] for b in found)
    assert "선정" in {b["text"] for b in found}


@phone_only
def test_tables_stay_readable_at_phone_width(browser, portal_world):
    """Wide tables scroll inside their own region (KRDS's responsive table) instead of squeezing columns."""
    sign_in_with_session(browser, portal_world.owner)
    pages = ["/my/proposals/", "/my/", f"/my/proposals/{portal_world.proposal.pk}/", "/projects/",
             f"/projects/calls/{portal_world.closed_call.pk}/", "/privacy/"]
    for path in pages:
        go(browser, path)
        assert browser.find_elements(By.CSS_SELECTOR, "main table"), path
        narrow = browser.execute_script(NARROW_CELLS)
        assert not narrow, (path, narrow)
        assert_no_horizontal_scroll(browser)
        for region in browser.find_elements(By.CSS_SELECTOR, "main .krds-table-wrap"):
            # Keyboard users can scroll it too: a focusable, named region.
            assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region", path
            assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby"), path


@phone_only
def test_the_directory_s_tier_mix_fits_a_phone_without_scrolling_sideways(browser, portal_world):
    go(browser, "/members/")
    overflow = browser.execute_script(
        "const r = document.querySelector('.tier-mix .krds-table-wrap'); return r.scrollWidth - r.clientWidth")
    assert overflow <= 0  # four short columns: the wide tables' scrolling would hide the counts


@desktop_only
def test_secondary_and_danger_submit_buttons_are_not_drawn_as_the_primary_one(browser, portal_world):
    # The owner's team table: "Change role" (small) and "Remove" (small, danger) beside each other person.
    from members.models import Membership

    organization = portal_world.owner.membership.organization
    personas.member(organization, Membership.Role.MEMBER, "colleague@example.com")
    sign_in_with_session(browser, portal_world.owner)
    go(browser, "/my/")
    style = "const s = getComputedStyle(arguments[0]); return [s.backgroundColor, s.minHeight];"
    change, remove = (browser.find_element(By.XPATH, f"//main//button[normalize-space()='{label}']")
                      for label in ("역할 변경", "삭제"))
    primary, small = browser.execute_script(style, change)
    danger, _ = browser.execute_script(style, remove)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", remove)
    (ARTIFACTS / "layout").mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "layout" / "team-buttons-desktop.png"))
    token = "return getComputedStyle(document.documentElement).getPropertyValue(arguments[0]).trim();"
    assert small == "36px"  # .button-small's 3.6rem, not the primary 4.8rem
    assert danger != primary and danger == browser.execute_script(
        "const probe = document.createElement('i'); probe.style.color = arguments[0]; document.body.append(probe);"
        "const color = getComputedStyle(probe).color; probe.remove(); return color;",
        browser.execute_script(token, "--krds-light-color-element-danger"))


def test_members_find_their_company_area_in_the_header(browser, portal_world):
    go(browser, "/")
    assert not browser.find_elements(By.CSS_SELECTOR, "#krds-header a[href='/my/proposals/']")
    assert browser.find_element(By.CSS_SELECTOR, "#krds-header a.login").is_displayed()
    sign_in_with_session(browser, portal_world.owner)
    go(browser, "/news/")
    link = browser.find_element(By.CSS_SELECTOR, "#krds-header a[href='/my/proposals/']")
    assert link.is_displayed() and link.text == "내 제안서"
    assert browser.find_element(By.CSS_SELECTOR, "#krds-header a[href='/my/']").text == "우리 회사"
    click_to_new_page(browser, link)
    assert path_of(browser) == "/my/proposals/"
    assert browser.find_element(By.CSS_SELECTOR, "#krds-header a[href='/my/proposals/']").get_attribute(
        "aria-current") == "page"


@desktop_only
def test_the_language_switch_works_without_javascript(browser, portal_world):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    go(browser, "/news/")
    assert "js" not in (browser.find_element(By.TAG_NAME, "html").get_attribute("class") or "")
    english = language_button(browser, "en")
    assert english.is_displayed()
    click_to_new_page(browser, english)
    assert html_lang(browser) == "en" and path_of(browser) == "/news/"
    assert "News" in text_of(browser, "#site-nav")


@desktop_only
def test_the_footer_leads_to_the_privacy_policy_first(browser, portal_world):
    go(browser, "/")
    links = browser.find_elements(By.CSS_SELECTOR, "#krds-footer .f-menu a")
    assert [a.get_attribute("pathname") for a in links] == ["/privacy/", "/terms/", "/contact/"]
    assert "point" in links[0].get_attribute("class")
    assert int(links[0].value_of_css_property("font-weight")) > int(links[1].value_of_css_property("font-weight"))
    with translation.override("ko"):  # whatever the Korean catalog says, once it is merged: 산업통상자원부
        identifier = gettext(IDENTIFIER)
    assert text_of(browser, "#krds-footer .krds-identifier") == identifier


IDENTIFIER = ("This website is the Ministry of Trade, Industry and Energy's website for the AI Autonomous "
              "Manufacturing Alliance.")

SCREENSHOT_PAGES = {
    "home": "/", "news": "/news/", "members": "/members/", "call": None, "my": "/my/",
    "my-proposals": "/my/proposals/", "sign-in": "/accounts/login/", "404": "/no-such-page/", "privacy": "/privacy/",
}


def test_screenshots_of_the_main_pages(browser, portal_world):
    """Not an assertion about looks: the pictures people check. Every page also keeps to the viewport."""
    folder = ARTIFACTS / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    size = "desktop" if browser.get_window_size()["width"] >= 1000 else "phone"
    for name, path in SCREENSHOT_PAGES.items():
        if name == "my":
            sign_in_with_session(browser, portal_world.owner)
        if name == "sign-in":
            browser.delete_all_cookies()
        go(browser, path or f"/projects/calls/{portal_world.call.pk}/")
        if size == "phone":  # at desktop size the classic scrollbar already makes innerWidth exceed the viewport
            assert_no_horizontal_scroll(browser)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280 if size == "desktop" else 500, min(height, 6000))
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 1280 if size == "desktop" else 390, "height": min(height, 6000), "deviceScaleFactor": 1,
            "mobile": size == "phone",
        })
        browser.save_screenshot(str(folder / f"{name}-{size}.png"))
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 1280 if size == "desktop" else 390, "height": 800 if size == "desktop" else 844,
            "deviceScaleFactor": 1, "mobile": size == "phone",
        })
