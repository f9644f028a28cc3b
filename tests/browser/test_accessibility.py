"""An automated accessibility audit: axe-core (vendored under tests/browser/vendor/axe-core) finds no
serious or critical violation on any page the HTML checker reads (tests/browser/conftest.py audited_pages:
public, error, company, allauth and MFA, admin pages) nor on forms showing their errors, at desktop and
phone size. Each audited page is kept as a screenshot under tests/artifacts/accessibility/."""

import base64

import pytest
from django.utils.text import slugify
from selenium.webdriver.common.by import By

from tests.browser.conftest import audited_pages, desktop_only
from tests.browser.helpers import (
    PASSWORD,
    admin_action,
    agree_to_the_required_consents,
    axe_violations,
    fill,
    format_violations,
    go,
    on_site_without_cookies,
    path_of,
    press,
    sign_in_with_session,
)
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def screenshot(browser, label):
    """The whole page at the browser's width, under tests/artifacts/accessibility/<width>/ (looked at by people)."""
    width = browser.execute_script("return document.documentElement.clientWidth")
    folder = ARTIFACTS / "accessibility" / ("desktop" if width >= 768 else "phone")
    folder.mkdir(parents=True, exist_ok=True)
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (folder / f"{slugify(label)[:80] or 'home'}.png").write_bytes(base64.b64decode(shot["data"]))


def audit_here(browser, label, problems):
    """axe on the page the browser shows; its serious and critical violations go into `problems`."""
    violations = axe_violations(browser)
    screenshot(browser, label)
    if violations:
        problems[label] = format_violations(violations)


def audit(browser, paths, problems, who=""):
    for path in paths:
        go(browser, path)
        assert path_of(browser).split("?")[0] == path.split("?")[0], f"{path} went to {path_of(browser)}"
        audit_here(browser, f"{who} {path}".strip(), problems)


def report(problems):
    return "\n\n".join(f"{page}\n{text}" for page, text in problems.items())


@desktop_only
def test_axe_runs_despite_the_content_security_policy(browser):
    """The policy forbids inline scripts; Selenium's injection goes through DevTools and is not blocked,
    while the page's own attempt at an inline script is."""
    go(browser, "/")
    browser.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.inlineRan = true';"
        "document.head.appendChild(s);"
    )
    assert browser.execute_script("return window.inlineRan === true") is False
    axe_violations(browser)
    assert browser.execute_script("return typeof axe.run") == "function"


def paths_of(world, who):
    return [path for person, path in audited_pages(world) if person == who]


@pytest.mark.urls("tests.portal.fault_urls")  # the error pages, reached as a visitor reaches them
def test_public_and_error_pages_have_no_serious_accessibility_violations(browser, audit_world):
    problems = {}
    audit(browser, paths_of(audit_world, None), problems)
    assert not problems, report(problems)


def test_company_pages_have_no_serious_accessibility_violations(browser, audit_world):
    problems = {}
    sign_in_with_session(browser, audit_world.newcomer)
    audit(browser, paths_of(audit_world, "newcomer"), problems, "newcomer")
    sign_in_with_session(browser, audit_world.owner)
    # Activating an authenticator asks for the password again first.
    go(browser, "/accounts/reauthenticate/")
    fill(browser, "password", PASSWORD)
    press(browser, "main form button[type=submit]")
    audit(browser, paths_of(audit_world, "owner"), problems, "owner")
    sign_in_with_session(browser, audit_world.partner_owner)
    audit(browser, paths_of(audit_world, "partner_owner"), problems, "partner owner")
    sign_in_with_session(browser, audit_world.unconsented)
    audit(browser, paths_of(audit_world, "unconsented"), problems, "unconsented")
    press(browser, "main form.consent-form button[type=submit]")  # without the required boxes
    assert browser.find_elements(By.CSS_SELECTOR, "main .errorlist")
    audit_here(browser, "unconsented consent page (errors)", problems)
    assert not problems, report(problems)


def test_admin_pages_have_no_serious_accessibility_violations(browser, audit_world):
    problems = {}
    sign_in_with_session(browser, audit_world.staff)
    audit(browser, paths_of(audit_world, "staff"), problems, "staff")
    admin_action(browser, "/admin/projects/proposal/", [audit_world.submitted.pk], "request_changes")
    audit_here(browser, "staff workflow confirm", problems)
    # The note is required, so the browser itself stops the empty form; the server's answer (an older
    # browser's, or a script's) is what is audited here.
    browser.execute_script("document.querySelector('#content form').noValidate = true")
    press(browser, "#content form input[type=submit]")
    assert browser.find_elements(By.CSS_SELECTOR, "#content .errorlist")
    audit_here(browser, "staff workflow confirm (errors)", problems)
    assert not problems, report(problems)


def test_forms_showing_errors_have_no_serious_accessibility_violations(browser, audit_world):
    """Error messages are where forms most often lose their labels and contrast."""
    problems = {}
    on_site_without_cookies(browser)
    go(browser, "/accounts/signup/")
    fill(browser, "email", "new-person@example.com")
    fill(browser, "password1", "short")  # too short for the password rules
    fill(browser, "password2", "short")
    agree_to_the_required_consents(browser)  # else the browser itself stops the form at the first box
    press(browser, "main form button[type=submit]")
    assert browser.find_elements(By.CSS_SELECTOR, "main .errorlist")
    audit_here(browser, "visitor /accounts/signup/ (errors)", problems)

    sign_in_with_session(browser, audit_world.newcomer)
    go(browser, "/members/register/")
    fill(browser, "business_number", "120-81-47522")  # wrong check digit
    press(browser, "main form.organization-form button[type=submit]")
    assert browser.find_elements(By.CSS_SELECTOR, "main .errorlist")
    audit_here(browser, "newcomer /members/register/ (errors)", problems)

    sign_in_with_session(browser, audit_world.owner)
    go(browser, f"/my/proposals/{audit_world.proposal.pk}/edit/")
    fill(browser, "participants-0-government_funding", 10_000_000_001)  # over the call's cap
    press(browser, "main form.proposal-form button[value=save]")
    assert browser.find_elements(By.CSS_SELECTOR, "main .errorlist")
    audit_here(browser, "owner proposal form (errors)", problems)
    assert not problems, report(problems)
