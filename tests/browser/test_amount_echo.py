"""The amount echo (static/js/krw-input.js) in Debian's Chromium reads every typed amount as the server does
(portal.money.parse_krw), on the shared cases of tests/portal/money_cases.py; and on the proposal form a budget
line typed in Korean units is echoed beside its field. Screenshots go to tests/artifacts/flows-budget-*.png."""

import json

import pytest
from selenium.webdriver.common.by import By

from portal.money import KRWParseError, format_krw, parse_krw
from tests.browser.conftest import desktop_only
from tests.browser.helpers import go, sign_in_with_session
from tests.conftest import ARTIFACTS
from tests.portal.money_cases import READ, REFUSED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Each text typed into one budget field of the page, the echo read back after the input event.
ECHO_EACH = """
const [field, texts] = arguments;
const echo = document.getElementById(field.dataset.krwEcho);
return texts.map(text => {
  field.value = text;
  field.dispatchEvent(new Event("input", {bubbles: true}));
  return [echo.textContent, echo.classList.contains("krw-echo-error")];
});
"""


def new_proposal_page(browser, company_owner, open_call):
    sign_in_with_session(browser, company_owner())
    go(browser, f"/my/proposals/new/{open_call.pk}/")
    return browser.find_element(By.NAME, "participants-0-government_funding")


@desktop_only
def test_the_browser_reads_every_shared_case_as_the_server_does(browser, company_owner, open_call):
    field = new_proposal_page(browser, company_owner, open_call)
    echo = browser.find_element(By.ID, field.get_attribute("data-krw-echo"))
    # The page's messages, in its language: a refusal must show the message of the server's reason.
    messages = json.loads(echo.get_attribute("data-krw-messages"))
    texts = [text for text, _ in READ] + [text for text, _ in REFUSED if text.strip()]
    shown = browser.execute_script(ECHO_EACH, field, texts)
    for text, (echoed, refused) in zip(texts, shown, strict=True):
        try:
            expected = (format_krw(parse_krw(text), "ko"), False)
        except KRWParseError as refusal:
            expected = (messages[refusal.code], True)
        assert (echoed, refused) == expected, text


def test_a_budget_line_typed_in_korean_units_is_echoed_beside_it(browser, company_owner, open_call):
    field = new_proposal_page(browser, company_owner, open_call)
    field.clear()
    field.send_keys("30억")
    echo = browser.find_element(By.ID, "id_participants-0-government_funding_echo")
    assert echo.tag_name == "output" and echo.text == "30억 원"
    assert field.get_attribute("value") == "30억"  # a text input keeps the unit a number input dropped
    cash = browser.find_element(By.NAME, "participants-0-private_cash")
    cash.clear()
    cash.send_keys("30억원x")
    cash_echo = browser.find_element(By.ID, "id_participants-0-private_cash_echo")
    assert "krw-echo-error" in cash_echo.get_attribute("class") and cash_echo.text
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    ARTIFACTS.mkdir(exist_ok=True)
    width = browser.execute_script("return window.innerWidth")
    browser.save_screenshot(str(ARTIFACTS / f"flows-budget-echo-{width}.png"))

