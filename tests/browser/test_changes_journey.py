"""An approved company's owner changes its details in a real browser: the address applies at once, the
representative goes to the secretariat as a change request that /my/ shows as waiting; then a renewed
certificate. Screenshots go to tests/artifacts/changes-*-<width>.png for people to look at."""

import pytest
from selenium.webdriver.common.by import By

from members.models import ChangeRequest, Membership, Organization
from tests import personas
from tests.browser.helpers import (
    PASSWORD,
    fill,
    full_page_screenshot,
    go,
    no_sideways_scroll,
    path_of,
    press,
    set_date,
    sign_in_with_session,
)
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def screenshot(browser, name):
    ARTIFACTS.mkdir(exist_ok=True)
    width = browser.execute_script("return window.innerWidth")
    browser.save_screenshot(str(ARTIFACTS / f"changes-{name}-{width}.png"))


def test_an_owner_changes_details_after_approval_and_sees_the_request_waiting(browser, tmp_path):
    org = personas.organization("한빛정밀", tier=Organization.Tier.SME)
    owner = personas.member(org, Membership.Role.OWNER, "owner@hanbit.example", password=PASSWORD)
    sign_in_with_session(browser, owner)

    go(browser, "/my/edit/")
    assert browser.find_element(By.CSS_SELECTOR, "[data-group=notify]") and no_sideways_scroll(browser)
    fill(browser, "address", "서울특별시 금천구 가산디지털1로 1")
    fill(browser, "representative", "박새대표")
    fill(browser, "reason", "2026년 12월 대표이사 변경(법인 등기 완료)")
    full_page_screenshot(browser, "changes-edit")
    press(browser, "main form.organization-form button[type=submit]")

    assert path_of(browser) == "/my/"
    request = browser.find_element(By.CSS_SELECTOR, "[data-change-request]")
    assert request.get_attribute("data-change-request") == "pending"
    assert "박새대표" in request.text and "김대표" in request.text
    timeline = browser.find_element(By.CSS_SELECTOR, "ol.timeline")
    assert "서울특별시 금천구" in timeline.text
    assert no_sideways_scroll(browser)
    browser.execute_script("arguments[0].scrollIntoView()", request)
    screenshot(browser, "my-page-request")
    full_page_screenshot(browser, "changes-my-page")

    org.refresh_from_db()
    assert org.address.startswith("서울특별시 금천구") and org.representative == "김대표"
    assert ChangeRequest.objects.get(organization=org).changes == {"representative": ["김대표", "박새대표"]}

    # While the request waits, the legal details are read-only on the form.
    go(browser, "/my/edit/")
    assert browser.find_element(By.NAME, "representative").get_attribute("disabled") is not None
    assert browser.find_element(By.CSS_SELECTOR, "[data-open-request]")

    # The renewed certificate of the same tier applies at once.
    go(browser, "/my/certificate/")
    proof = tmp_path / "2027 중소기업확인서.pdf"
    proof.write_bytes(personas.PDF_BYTES)
    browser.find_element(By.NAME, "file").send_keys(str(proof))
    fill(browser, "number", "0001-2027-77777")
    set_date(browser, "valid_until", personas.certificate_valid_until(400))
    assert no_sideways_scroll(browser)
    full_page_screenshot(browser, "changes-certificate")
    press(browser, "main form.organization-form button[type=submit]")
    assert path_of(browser) == "/my/"
    org.refresh_from_db()
    assert org.certificate_number == "0001-2027-77777" and org.certificates.count() == 2
