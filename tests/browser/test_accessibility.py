"""An automated accessibility audit: axe-core (vendored under tests/browser/vendor/axe-core) finds no
serious or critical violation on the public pages and the company pages, at desktop and phone size."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import company_paths, desktop_only, public_paths
from tests.browser.helpers import (
    axe_violations,
    fill,
    format_violations,
    go,
    path_of,
    press,
    sign_in_with_session,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def audit(browser, paths):
    problems = {}
    for path in paths:
        go(browser, path)
        assert path_of(browser).split("?")[0] == path, f"{path} went to {path_of(browser)}"
        violations = axe_violations(browser)
        if violations:
            problems[path] = format_violations(violations)
    return problems


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


def test_public_pages_have_no_serious_accessibility_violations(browser, portal_world):
    problems = audit(browser, public_paths(portal_world))
    assert not problems, "\n\n".join(f"{path}\n{text}" for path, text in problems.items())


def test_company_pages_have_no_serious_accessibility_violations(browser, portal_world):
    sign_in_with_session(browser, portal_world.newcomer)
    problems = audit(browser, ["/members/register/"])
    sign_in_with_session(browser, portal_world.owner)
    problems |= audit(browser, company_paths(portal_world))
    assert not problems, "\n\n".join(f"{path}\n{text}" for path, text in problems.items())


def test_forms_showing_errors_have_no_serious_accessibility_violations(browser, portal_world):
    """Error messages are where forms most often lose their labels and contrast."""
    sign_in_with_session(browser, portal_world.newcomer)
    go(browser, "/members/register/")
    fill(browser, "business_number", "120-81-47522")  # wrong check digit
    press(browser, "main form.organization-form button[type=submit]")
    assert browser.find_elements(By.CSS_SELECTOR, "main .errorlist")
    problems = {"/members/register/ (errors)": axe_violations(browser)}

    sign_in_with_session(browser, portal_world.owner)
    go(browser, f"/my/proposals/{portal_world.proposal.pk}/edit/")
    fill(browser, "participants-0-government_funding", 10_000_000_001)  # over the call's cap
    press(browser, "main form.proposal-form button[value=save]")
    assert browser.find_elements(By.CSS_SELECTOR, "main .errorlist")
    problems["proposal form (errors)"] = axe_violations(browser)
    problems = {page: format_violations(found) for page, found in problems.items() if found}
    assert not problems, "\n\n".join(f"{page}\n{text}" for page, text in problems.items())
