"""A visitor's view: the language switch on every public page, the header and the proposal form by
keyboard alone, and no sideways scrolling on a phone."""

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import company_paths, desktop_only, phone_only, public_paths
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    click_to_new_page,
    go,
    html_lang,
    language_button,
    path_of,
    sign_in_with_session,
    text_of,
    to_new_page,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What document.activeElement is, in words a failure message can show.
FOCUSED = """
    const e = document.activeElement;
    return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name') || '',
            href: e.getAttribute('href') || '', value: e.value || '', text: (e.innerText || '').trim(),
            inHeader: !!e.closest('header'), inForm: !!e.closest('form.proposal-form'),
            role: e.getAttribute('role') || ''};
"""


def tab(browser, times=1, *, shift=False):
    keys = ActionChains(browser)
    for _ in range(times):
        if shift:
            keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT)
        else:
            keys.send_keys(Keys.TAB)
    keys.perform()
    return browser.execute_script(FOCUSED)


def press_enter(browser):
    ActionChains(browser).send_keys(Keys.ENTER).perform()


def header_stop(focused):
    """A header tab stop as a short label: the link's address, "language" (the switcher), or the button's value."""
    if focused["tag"] == "summary":
        return "language"
    return focused["href"] or f"button:{focused['value'] or focused['text']}"


# --- language ---------------------------------------------------------------------------------


@desktop_only
def test_every_public_page_switches_between_korean_and_english(browser, portal_world):
    for path in public_paths(portal_world):
        go(browser, path)
        assert html_lang(browser) == "ko", path
        assert "소식" in text_of(browser, "header nav")
        click_to_new_page(browser, language_button(browser, "en"))
        assert html_lang(browser) == "en" and path_of(browser) == path, (path, path_of(browser))
        assert "News" in text_of(browser, "header nav") and "소식" not in text_of(browser, "header nav")
        assert language_button(browser, "en").get_attribute("aria-current") == "true"
        click_to_new_page(browser, language_button(browser, "ko"))
        assert html_lang(browser) == "ko" and path_of(browser) == path, (path, path_of(browser))


# --- keyboard ---------------------------------------------------------------------------------


@desktop_only
def test_header_menu_works_with_the_keyboard_alone(browser, portal_world):
    go(browser, "/members/")
    stops = []
    focused = tab(browser)
    while focused["inHeader"] or focused["href"] == "#main":
        stops.append(header_stop(focused))
        focused = tab(browser)
    nav = ["/", "/news/", "/projects/", "/members/", "/standard-models/"]
    nav += [p for p in public_paths(portal_world) if p == "/stats/"]
    # Skip link, language, the word mark, the account's way in, then the menu (KRDS's header order).
    assert stops == ["#main", "language", "/", "/accounts/login/", "/accounts/signup/", *nav]

    # The skip link, first of all, takes the focus to the main content.
    go(browser, "/members/")
    tab(browser)
    press_enter(browser)
    wait_for(browser, lambda d: d.execute_script("return document.activeElement.id") == "main")

    # Enter on a menu link follows it; Enter on a language button switches the language.
    go(browser, "/members/")
    focused = tab(browser, stops.index("/news/") + 1)
    assert focused["href"] == "/news/"
    to_new_page(browser, lambda: press_enter(browser))
    assert path_of(browser) == "/news/"
    assert header_stop(tab(browser, 2)) == "language"
    press_enter(browser)  # opens the switcher
    assert [header_stop(tab(browser)) for _ in range(2)] == ["button:ko", "button:en"]
    to_new_page(browser, lambda: press_enter(browser))
    assert html_lang(browser) == "en" and path_of(browser) == "/news/"


@phone_only
def test_phone_menu_opens_and_is_walked_with_the_keyboard(browser, portal_world):
    go(browser, "/")
    assert not browser.find_element(By.ID, "site-nav").is_displayed()
    stops = [header_stop(tab(browser)) for _ in range(5)]
    assert stops == ["#main", "language", "/", "/accounts/login/", "/accounts/signup/"]
    tab(browser)
    assert "nav-toggle" in browser.execute_script("return document.activeElement.className")
    press_enter(browser)
    wait_for(browser, lambda d: d.find_element(By.ID, "site-nav").is_displayed())
    assert browser.find_element(By.CSS_SELECTOR, ".nav-toggle").get_attribute("aria-expanded") == "true"
    assert [tab(browser)["href"] for _ in range(2)] == ["/", "/news/"]


LABELS = """
    const form = document.querySelector('form.proposal-form');
    const controls = [...form.querySelectorAll('input, select, textarea, button')]
        .filter(e => e.type !== 'hidden' && !e.disabled && e.getClientRects().length);  // shown ones only
    const nameOf = e => {
        if (e.tagName === 'BUTTON') return e.innerText.trim();
        const byLabel = [...(e.labels || [])].map(l => l.innerText.trim()).join(' ');
        return byLabel || e.getAttribute('aria-label') || '';
    };
    return controls.map(e => ({key: e.id || e.name + ':' + e.value, label: nameOf(e)}));
"""


@desktop_only
def test_every_field_of_the_proposal_form_is_labelled_and_reached_by_tab(browser, portal_world):
    sign_in_with_session(browser, portal_world.owner)
    go(browser, f"/my/proposals/new/{portal_world.call.pk}/")
    controls = browser.execute_script(LABELS)
    assert len(controls) > 30  # project fields, AI areas, two consortium rows, two KPI rows, three buttons
    unlabelled = [c["key"] for c in controls if not c["label"]]
    assert not unlabelled, f"controls without a label: {unlabelled}"

    # Tab from the top of the page until the focus leaves the form: every control on the way, in order.
    reached = []
    for _ in range(len(controls) * 4 + 40):
        focused = tab(browser)
        if focused["inForm"] and focused["role"] == "region":
            continue  # a wide table's scrolling region: a stop of its own, so that keyboards can scroll it
        if focused["inForm"]:
            key = focused["id"] or f"{focused['name']}:{focused['value']}"
            if not reached or reached[-1] != key:  # a date field takes one Tab per part
                reached.append(key)
        elif reached:
            break
    assert reached == [c["key"] for c in controls]

    # The last stop is the submit button, and Shift+Tab walks back to the one before it.
    assert reached[-1].startswith("action:") or "submit" in reached[-1]
    assert tab(browser, shift=True)["inForm"]


# --- phone width --------------------------------------------------------------------------------


@phone_only
def test_no_page_scrolls_sideways_on_a_phone(browser, portal_world):
    for path in public_paths(portal_world):
        go(browser, path)
        assert_no_horizontal_scroll(browser)
    sign_in_with_session(browser, portal_world.newcomer)
    go(browser, "/members/register/")
    assert_no_horizontal_scroll(browser)
    sign_in_with_session(browser, portal_world.owner)
    for path in company_paths(portal_world):
        go(browser, path)
        assert path_of(browser) == path
        assert_no_horizontal_scroll(browser)
