"""An automated accessibility audit: axe-core (vendored under tests/browser/vendor/axe-core) finds no
serious or critical violation on the public pages and the company pages, at desktop and phone size."""

import pytest

from tests.browser.conftest import company_paths, public_paths
from tests.browser.helpers import axe_violations, format_violations, go, path_of, sign_in_with_session

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


def test_axe_runs_despite_the_content_security_policy(browser, live_server):
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
