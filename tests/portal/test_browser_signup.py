"""First journey in a real browser: sign up, verify, sign in, switch language, sign out."""

import re

import pytest
from django.core import mail
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.background import run_tasks
from tests.browser.helpers import agree_to_the_required_consents, click_to_new_page, language_button

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(driver, condition, timeout=15):
    # An element read while the next page replaces the current one is stale: look again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def page_lang(driver):
    # Read through script, not an element handle: a handle dies when the next page replaces this one.
    return driver.execute_script("return document.documentElement.lang")


def submit(driver, form_selector="main form"):
    driver.find_element(By.CSS_SELECTOR, f"{form_selector} button[type=submit]").click()


def open_menu(driver):
    """On a phone the main menu is collapsed behind a button: open it like a person would."""
    toggle = driver.find_element(By.CSS_SELECTOR, ".nav-toggle")
    if toggle.is_displayed() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def test_sign_up_verify_sign_in_switch_language_and_sign_out(browser):
    base = browser.live_server_url
    email, password = "journey@example.com", "a-long-pass-phrase-7"

    browser.get(base + "/accounts/signup/")
    assert page_lang(browser) == "ko"
    browser.find_element(By.NAME, "email").send_keys(email)
    browser.find_element(By.NAME, "password1").send_keys(password)
    browser.find_element(By.NAME, "password2").send_keys(password)
    agree_to_the_required_consents(browser)
    submit(browser)
    wait_for(browser, EC.url_contains("/accounts/confirm-email/"))

    run_tasks()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    browser.get(base + link)
    submit(browser)
    # Confirmed in the browser that signed up: signed in, and on to the step for someone new.
    wait_for(browser, EC.url_contains("/members/register/"))
    open_menu(browser)
    assert email in browser.find_element(By.CSS_SELECTOR, "#krds-header").text
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#krds-header button.sign-out"))

    browser.get(base + "/accounts/login/")
    browser.find_element(By.NAME, "login").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser)
    wait_for(browser, EC.url_contains("/members/register/"))  # no company yet: that is the next step
    wait_for(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#krds-header button.sign-out")))
    open_menu(browser)
    assert email in browser.find_element(By.CSS_SELECTOR, "#krds-header").text

    click_to_new_page(browser, language_button(browser, "en"))
    wait_for(browser, lambda d: page_lang(d) == "en")
    open_menu(browser)
    assert "Sign out" in browser.find_element(By.CSS_SELECTOR, "#krds-header").text
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#krds-header button.sign-out"))
    wait_for(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#krds-header a[href='/accounts/login/']")))
    open_menu(browser)
    assert "Sign in" in browser.find_element(By.CSS_SELECTOR, "#krds-header").text
    # The viewport the page asked for: under phone emulation innerWidth grows with content that is too wide.
    root = "document.documentElement"
    assert browser.execute_script(f"return {root}.scrollWidth <= {root}.clientWidth")
