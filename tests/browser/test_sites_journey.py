"""A supplier's owner reports a customer's adoption site in a real browser: from /my/ to the sites, a mistyped
business number that changes nothing, the report with its evidence, then a change that sends the confirmed site back
to the alliance. Screenshots go to tests/artifacts/sites-*-<width>.png for people to look at."""

import datetime

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from members.models import Membership
from spread.models import AdoptionSite
from tests import personas
from tests.browser.helpers import (
    PASSWORD,
    choose,
    fill,
    full_page_screenshot,
    go,
    no_sideways_scroll,
    path_of,
    press,
    set_date,
    sign_in_with_session,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_supplier_reports_a_customers_site_and_a_change_sends_it_back(browser, tmp_path):
    supplier = personas.organization("스마트공급")
    owner = personas.member(supplier, Membership.Role.OWNER, "owner@smart-supply.example", password=PASSWORD)
    model = personas.standard_model(suppliers=[supplier])
    customer = personas.organization("한길제조")
    sign_in_with_session(browser, owner)

    go(browser, "/my/")
    press(browser, ".sites-link a")
    assert path_of(browser) == "/my/sites/"
    assert no_sideways_scroll(browser)
    press(browser, "main a.button[href='/my/sites/new/']")

    evidence = tmp_path / "납품확인서.pdf"
    evidence.write_bytes(personas.PDF_BYTES)
    choose(browser, "standard_model", value=model.pk)
    fill(browser, "adopter_business_number", "000-00-00000")
    fill(browser, "site_name", "창원 2공장")
    choose(browser, "region", value="gyeongnam")
    set_date(browser, "adopted_on", timezone.localdate() - datetime.timedelta(days=14))
    choose(browser, "use_status", value="in_use")
    browser.find_element(By.NAME, "evidence").send_keys(str(evidence))
    press(browser, "main form.site-form button[type=submit]")
    # A number no member has: the page says so beside the field, and nothing is reported.
    assert path_of(browser) == "/my/sites/new/"
    field_errors = browser.find_element(By.CSS_SELECTOR, "#id_adopter_business_number ~ .errorlist").text
    assert field_errors == "이 사업자등록번호를 가진 승인 회원사가 없습니다."
    assert browser.find_element(By.CSS_SELECTOR, "main .error-summary").is_displayed()
    assert browser.find_element(By.NAME, "site_name").get_attribute("value") == "창원 2공장"  # what was typed stays
    assert not AdoptionSite.objects.exists()
    assert no_sideways_scroll(browser)
    full_page_screenshot(browser, "sites-report-errors")

    fill(browser, "adopter_business_number", customer.business_number)
    browser.find_element(By.NAME, "evidence").send_keys(str(evidence))  # a file input is empty again after an error
    press(browser, "main form.site-form button[type=submit]")
    assert path_of(browser) == "/my/sites/"
    site = AdoptionSite.objects.get()
    assert (site.organization, site.submitted_for, site.status) == (customer, supplier, "submitted")
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-site='{site.pk}']")
    assert "창원 2공장" in row.text and "한길제조" in row.text
    assert row.find_element(By.CSS_SELECTOR, "[data-status]").get_attribute("data-status") == "submitted"
    full_page_screenshot(browser, "sites-list")

    # The alliance confirms it; the supplier then reports that the site has stopped using the model.
    from spread import services

    services.site_transition(site=site, action="confirm", by=personas.staff(group=personas.PROJECT_DECIDERS), note="")
    go(browser, "/my/sites/")
    press(browser, f"tr[data-site='{site.pk}'] a")
    assert browser.find_element(By.CSS_SELECTOR, "main .notice")
    assert no_sideways_scroll(browser)
    evidence_link = browser.find_element(By.CSS_SELECTOR, f"main a[href='/my/sites/{site.pk}/evidence/']")
    assert evidence_link.text == "납품확인서.pdf"
    choose(browser, "use_status", value="stopped")
    full_page_screenshot(browser, "sites-edit")
    press(browser, "main form.site-form button[type=submit]")
    assert path_of(browser) == "/my/sites/"
    site.refresh_from_db()
    assert (site.use_status, site.status, site.evidence_name) == ("stopped", "submitted", "납품확인서.pdf")
    assert browser.find_element(By.CSS_SELECTOR, f"tr[data-site='{site.pk}'] [data-status]").get_attribute(
        "data-status") == "submitted"
