"""A running project's report in a real browser: the partner's owner writes its organisation's part; the lead's owner
tries to submit with a KPI value missing (the report is saved, not submitted, and the page says what is missing),
then gives it with the document and submits. Screenshots go to tests/artifacts/report-*-<width>.png."""

import pytest
from selenium.webdriver.common.by import By

from delivery.models import Report
from members.models import Membership, Organization
from tests import personas
from tests.browser.helpers import (
    PASSWORD,
    button,
    click_to_new_page,
    fill,
    full_page_screenshot,
    go,
    no_sideways_scroll,
    path_of,
    press,
    sign_in_with_session,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_first_report(browser, project):
    go(browser, "/my/projects/")
    press(browser, f"main a[href='/my/projects/{project.pk}/']")
    report = project.reports.order_by("due_on", "pk").first()
    press(browser, f"main a[href='/my/projects/{project.pk}/reports/{report.pk}/']")
    assert no_sideways_scroll(browser)
    return report


def test_a_partner_writes_its_part_and_the_lead_submits_the_report(browser, tmp_path):
    lead = personas.organization("대형제조", tier=Organization.Tier.LARGE)
    partner = personas.organization("중소부품", tier=Organization.Tier.SME)
    lead_owner = personas.member(lead, Membership.Role.OWNER, "owner@lead.example", password=PASSWORD)
    partner_owner = personas.member(partner, Membership.Role.OWNER, "owner@partner.example", password=PASSWORD)
    project = personas.running_project(personas.selected_proposal(lead=lead, partner=partner, owner=lead_owner))
    kpi = project.kpis.get()

    sign_in_with_session(browser, partner_owner)
    report = open_first_report(browser, project)
    assert not browser.find_elements(By.CSS_SELECTOR, "form.report-form")  # the lead writes the report itself
    fill(browser, "text", "검사 데이터 3개월분을 제공하고 라벨링을 마쳤습니다.")
    click_to_new_page(browser, button(browser, "수행 내용 저장"))
    assert report.contributions.get().organization == partner
    assert "중소부품" in browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=contributions-title]").text

    sign_in_with_session(browser, lead_owner)
    open_first_report(browser, project)
    readiness = browser.find_element(By.CSS_SELECTOR, "main .readiness").text
    assert "추진 실적을 작성하십시오." in readiness and "(1개 누락)" in readiness
    fill(browser, "narrative", "2개 라인에 불량 검출 모델을 적용했습니다.")
    click_to_new_page(browser, button(browser, "저장하고 제출"))
    # Saved, not submitted: what is missing is said, and the narrative stays.
    report.refresh_from_db()
    assert report.status == Report.Status.DUE and report.narrative.startswith("2개 라인")
    readiness = browser.find_element(By.CSS_SELECTOR, "main .readiness").text
    assert "추진 실적" not in readiness and "(1개 누락)" in readiness
    assert browser.find_element(By.NAME, "narrative").get_attribute("value").startswith("2개 라인")
    background = "return getComputedStyle(arguments[0]).backgroundColor;"
    save, submit = button(browser, "저장"), button(browser, "저장하고 제출")
    assert browser.execute_script(background, save) == "rgb(255, 255, 255)"  # secondary: the primary is the submit
    assert browser.execute_script(background, submit) != "rgb(255, 255, 255)"
    full_page_screenshot(browser, "report-missing")

    document = tmp_path / "1차 보고서.pdf"
    document.write_bytes(personas.PDF_BYTES)
    fill(browser, f"kpi_{kpi.pk}", "107.5")
    browser.find_element(By.NAME, "document").send_keys(str(document))
    click_to_new_page(browser, button(browser, "저장하고 제출"))
    assert path_of(browser) == f"/my/projects/{project.pk}/reports/{report.pk}/"
    report.refresh_from_db()
    assert (report.status, report.document_name) == (Report.Status.SUBMITTED, "1차 보고서.pdf")
    assert not browser.find_elements(By.CSS_SELECTOR, "form.report-form")  # submitted: read, not written
    values = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=values-title]").text
    assert "107.5" in values
    assert no_sideways_scroll(browser)
    full_page_screenshot(browser, "report-submitted")
