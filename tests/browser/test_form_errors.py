"""A form that comes back with errors, in a real browser: the summary at the top takes the focus, its
links lead to the fields, and a dropped document is said. Also the call page's next step. Screenshots
of both go to tests/artifacts/flows-*.png (desktop and phone) for people to look at."""

import pytest
from selenium.webdriver.common.by import By

from members.models import Membership
from tests import personas
from tests.browser.helpers import (
    PASSWORD,
    button,
    click_to_new_page,
    go,
    path_of,
    sign_in_with_session,
    text_of,
)
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def screenshot(browser, name):
    ARTIFACTS.mkdir(exist_ok=True)
    width = browser.execute_script("return window.innerWidth")
    browser.save_screenshot(str(ARTIFACTS / f"flows-{name}-{width}.png"))


def active(browser, prop):
    return browser.execute_script(f"return document.activeElement.{prop}")


def test_the_error_summary_takes_the_focus_and_leads_to_each_field(browser, tmp_path):
    sign_in_with_session(browser, personas.user(password=PASSWORD))
    go(browser, "/members/register/")
    proof = tmp_path / "확인서.pdf"
    proof.write_bytes(personas.PDF_BYTES)
    browser.find_element(By.NAME, "tier_proof").send_keys(str(proof))
    click_to_new_page(browser, button(browser, "가입 신청"))

    assert active(browser, "className") == "error-summary"
    summary = text_of(browser, ".error-summary")
    assert "파일을 다시 선택해 주세요" in summary or "Choose the file again" in summary
    screenshot(browser, "error-summary")
    browser.find_element(By.CSS_SELECTOR, ".error-summary a[href='#id_name']").click()
    assert active(browser, "id") == "id_name"
    assert path_of(browser).startswith("/members/register/")


def test_a_plain_member_sees_whom_to_ask_on_an_open_call(browser):
    call = personas.call()
    member = personas.member(personas.organization("한빛정밀"), Membership.Role.MEMBER)
    sign_in_with_session(browser, member)
    go(browser, f"/projects/calls/{call.pk}/")
    step = browser.find_element(By.CSS_SELECTOR, "[data-step]")
    assert step.get_attribute("data-step") == "ask-manager" and "한빛정밀" in step.text
    browser.execute_script("arguments[0].scrollIntoView()", step)
    screenshot(browser, "call-step")


def test_revenue_typed_in_korean_units_is_echoed_beside_the_field(browser):
    sign_in_with_session(browser, personas.user(password=PASSWORD))
    go(browser, "/members/register/")
    field = browser.find_element(By.NAME, "annual_revenue")
    field.send_keys("3억 5천만")
    echo = browser.find_element(By.ID, "id_annual_revenue_echo")
    assert echo.tag_name == "output" and echo.get_attribute("aria-live") == "polite"
    assert echo.text == "3억 5,000만 원"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    screenshot(browser, "revenue-echo")
    field.send_keys("만")  # "3억 5천만만": the server would refuse it, and the echo says so at once
    assert "krw-echo-error" in echo.get_attribute("class") and echo.text
