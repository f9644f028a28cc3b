"""What a person does in the browser, as small functions the journeys read like sentences with.

Every wait is explicit (WebDriverWait on a condition); a page change is awaited by watching the
old <html> element go stale, so no step relies on a fixed sleep.
"""

import datetime
import re
import time
from pathlib import Path

from django.core import mail
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.background import run_tasks

PASSWORD = "a-long-pass-phrase-7"
DESKTOP = (1280, 800)
PHONE = (390, 844)
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


def wait_for(driver, condition, timeout=15):
    # An element read while the next page replaces the current one is stale: look again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def go(driver, path):
    driver.get(driver.live_server_url + path)
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def path_of(driver):
    return re.sub(r"^https?://[^/]+", "", driver.current_url)


def click_to_new_page(driver, element):
    """Click something that loads another page, and wait until the new page is there.

    The old page is marked before the click; the wait ends when a complete document without the
    mark is shown. (Watching the old element go stale can fail inside chromedriver mid-navigation.)
    """
    to_new_page(driver, element.click)


def to_new_page(driver, action):
    """Do `action` (a click, a key press) and wait until the page it loads is complete."""
    driver.execute_script("document.documentElement.dataset.leaving = 'yes'")
    action()
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(lambda d: d.execute_script(
        "return document.readyState === 'complete' && !document.documentElement.dataset.leaving"
    ))


def press(driver, selector):
    """Click the button or link matching `selector` and wait for the next page."""
    click_to_new_page(driver, driver.find_element(By.CSS_SELECTOR, selector))


def button(driver, text, scope="main"):
    """A button (or submit input) whose visible text or value is `text`."""
    for element in driver.find_elements(By.CSS_SELECTOR, f"{scope} button, {scope} input[type=submit]"):
        label = element.text.strip() or (element.get_attribute("value") or "").strip()
        if label == text:
            return element
    raise AssertionError(f"no button {text!r} on {path_of(driver)}")


def fill(driver, name, value, scope="main"):
    field = driver.find_element(By.CSS_SELECTOR, f"{scope} [name='{name}']")
    field.clear()
    field.send_keys(str(value))
    return field


def tick(driver, name, scope="main"):
    """Tick a checkbox as a person does, by its label (the box may sit beside a long text)."""
    box = driver.find_element(By.CSS_SELECTOR, f"{scope} input[type=checkbox][name='{name}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    if not box.is_selected():
        driver.find_element(By.CSS_SELECTOR, f"{scope} label[for='{box.get_attribute('id')}']").click()
    assert box.is_selected(), name


def agree_to_the_required_consents(driver):
    """The sign-up form's two required boxes (the terms, the collection of personal information)."""
    tick(driver, "consent_terms")
    tick(driver, "consent_collection")


def choose(driver, name, *, value=None, text=None, scope="main"):
    select = Select(driver.find_element(By.CSS_SELECTOR, f"{scope} select[name='{name}']"))
    if value is not None:
        select.select_by_value(str(value))
    else:
        select.select_by_visible_text(text)


def set_date(driver, name, day: datetime.date, scope="main"):
    """Chromium's date widget orders its parts by the machine's locale, not the page's, so typing digits
    gives different dates on different machines: the value is set the way the widget itself sets it."""
    field = driver.find_element(By.CSS_SELECTOR, f"{scope} input[name='{name}']")
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        field, day.isoformat(),
    )


def text_of(driver, selector="main"):
    return driver.find_element(By.CSS_SELECTOR, selector).text


def language_button(driver, code):
    """The header's button for language `code`, its KRDS drop-down (a <details>) opened first, as a person would."""
    switcher = driver.find_element(By.CSS_SELECTOR, "#krds-header details.krds-language")
    if switcher.get_attribute("open") is None:
        switcher.find_element(By.TAG_NAME, "summary").click()
    return switcher.find_element(By.CSS_SELECTOR, f".language-switch button[value={code}]")


def html_lang(driver):
    # Through script rather than an element handle, which dies if a navigation is still finishing.
    return driver.execute_script("return document.documentElement.lang")


# --- accounts ---------------------------------------------------------------------------------


def last_link(path_prefix, to=None):
    """The address under `path_prefix` in the newest captured email (to `to`, if given), once the worker ran."""
    run_tasks()
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, f"no email captured for {to or 'anyone'}"
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S+)", messages[-1].body)
    assert match, f"no {path_prefix} link in: {messages[-1].body}"
    return match.group(1)


def on_site_without_cookies(driver):
    """Stand on the live server's origin (cookies can only be changed there) with no cookies at all.

    A page with the layout, not /robots.txt: for a plain-text page Chromium asks for /favicon.ico,
    whose 404 page would hand out a new CSRF cookie while the next form is loading.
    """
    go(driver, "/")
    driver.delete_all_cookies()


def sign_up_and_verify(driver, email, password=PASSWORD):
    """Sign up on the real form, open the verification link from the email, confirm it: the person is
    then signed in, on the page for registering a company (the step for someone new)."""
    on_site_without_cookies(driver)  # a new visitor, whoever used this browser before
    go(driver, "/accounts/signup/")
    fill(driver, "email", email)
    fill(driver, "password1", password)
    fill(driver, "password2", password)
    agree_to_the_required_consents(driver)
    press(driver, "main form button[type=submit]")
    wait_for(driver, EC.url_contains("/accounts/confirm-email/"))
    go(driver, last_link("/accounts/confirm-email/", to=email))
    press(driver, "main form button[type=submit]")
    wait_for(driver, EC.url_contains("/members/register/"))


def totp_code(secret):
    """The code an authenticator app shows now (allauth's own HOTP functions over the time counter).

    allauth accepts only the current 30-second step, so a code about to expire is not typed:
    the step is let to roll over first (at most two seconds).
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 2:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def sign_in(driver, email, password=PASSWORD, *, totp_secret=None):
    """Sign in through the real login page and, for staff, allauth's two-factor page."""
    on_site_without_cookies(driver)
    go(driver, "/accounts/login/")
    fill(driver, "login", email)
    fill(driver, "password", password)
    press(driver, "main form button[type=submit]")
    if totp_secret:
        wait_for(driver, EC.url_contains("/accounts/2fa/authenticate/"))
        fill(driver, "code", totp_code(totp_secret))
        press(driver, "main form button[type=submit]")
    assert "/accounts/login/" not in driver.current_url and "/2fa/" not in driver.current_url, text_of(driver)


def finish_submitting(driver, proposal_pk, password=PASSWORD):
    """After pressing a proposal's submit button: submitting asks the person to confirm who they are (portal.reauth),
    on allauth's page (the password), then shows the submit page, whose button submits. Nothing when not asked."""
    if "/accounts/reauthenticate/" in driver.current_url:
        fill(driver, "password", password)
        press(driver, "main form button[type=submit]")
    if path_of(driver) == f"/my/proposals/{proposal_pk}/submit/":
        press(driver, f"main form[action='/my/proposals/{proposal_pk}/submit/'] button[type=submit]")


class Sessions:
    """Several people taking turns at one browser: each keeps their own signed-in session.

    Signing in again would ask staff for a new TOTP code, and allauth refuses a code used twice
    within its 30 seconds; keeping each person's cookies is also how their own browsers would behave.
    """

    def __init__(self, driver):
        self.driver = driver
        self.saved = {}

    def keep(self, who):
        self.saved[who] = self.driver.get_cookies()

    def become(self, who):
        on_site_without_cookies(self.driver)
        for cookie in self.saved[who]:
            self.driver.add_cookie({k: v for k, v in cookie.items() if k in ("name", "value", "path")})


def sign_in_with_session(driver, user):
    """For tests about a page rather than about signing in: a session made on the server side."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    on_site_without_cookies(driver)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": session, "path": "/"})


# --- Django admin -----------------------------------------------------------------------------


def admin_action(driver, changelist_path, pks, action):
    """Tick rows on an admin changelist, run `action`, and land on its confirmation page."""
    go(driver, changelist_path)
    for pk in pks:
        driver.find_element(By.CSS_SELECTOR, f"input.action-select[value='{pk}']").click()
    choose(driver, "action", value=action, scope="#changelist-form")
    press(driver, "#changelist-form button[name=index]")


def admin_messages(driver):
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "ul.messagelist li"))


# --- layout and accessibility -----------------------------------------------------------------


def overflow_report(driver):
    """'' when the page does not scroll sideways; otherwise the widths and the widest offenders.

    The limit is the viewport the page asked for (width=device-width): in phone emulation
    window.innerWidth grows with content that is too wide, so it cannot be the yardstick.
    """
    return driver.execute_script("""
        const root = document.documentElement, limit = root.clientWidth;
        if (root.scrollWidth <= limit && window.innerWidth <= limit) return '';
        const over = el => el.getBoundingClientRect().right > limit + 1;
        // The outermost elements that stick out (their children follow them out).
        const wide = [...document.querySelectorAll('body *')]
            .filter(el => over(el) && !(el.parentElement && over(el.parentElement)))
            .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                             + ' right=' + Math.round(el.getBoundingClientRect().right));
        return `scrollWidth ${root.scrollWidth}, innerWidth ${window.innerWidth}, viewport ${limit}: `
               + wide.join(", ");
    """)


def full_page_screenshot(driver, name):
    """The whole page, beyond the window, as tests/artifacts/<name>-<window width>.png (for people to look at)."""
    import base64

    from tests.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    width = driver.execute_script("return window.innerWidth")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (ARTIFACTS / f"{name}-{width}.png").write_bytes(base64.b64decode(shot["data"]))


def no_sideways_scroll(driver):
    """Whether the page fits the window's width (a vertical scrollbar allowed, unlike assert_no_horizontal_scroll)."""
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def assert_no_horizontal_scroll(driver):
    report = overflow_report(driver)
    assert not report, f"{path_of(driver)} scrolls sideways: {report}"


def axe_violations(driver, impacts=("serious", "critical")):
    """Run axe-core (vendored) on the current page; the violations of the given impacts, readable."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's script-src policy does not apply.
        driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
           .then(r => done({violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary)}))}))
           .catch(e => done({error: String(e)}));
    """)
    assert "error" not in result, result["error"]
    return [v for v in result["violations"] if v["impact"] in impacts]


def format_violations(violations):
    return "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
    )
