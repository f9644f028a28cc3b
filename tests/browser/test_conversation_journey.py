"""A conversation between staff and a consortium, in a real browser.

A decider asks the lead a question in the admin; the lead's owner follows the mail's link and answers with an
attachment; the partner asks about its own part, where the page tells it the lead reads along; the admin overview
counts the proposal as waiting until the decider has answered both threads.
"""

import base64
import re

import pytest
from selenium.webdriver.common.by import By

from members.models import Membership, Organization
from projects.models import Message, Proposal
from tests import personas
from tests.browser.conftest import desktop_only
from tests.browser.helpers import (
    PASSWORD,
    Sessions,
    admin_messages,
    axe_violations,
    choose,
    fill,
    format_violations,
    go,
    last_link,
    path_of,
    press,
    sign_in,
    text_of,
)
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def keep_screenshot(browser, name):
    """The whole page, under tests/artifacts/conversation/ (looked at by people)."""
    folder = ARTIFACTS / "conversation"
    folder.mkdir(parents=True, exist_ok=True)
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (folder / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def waiting_count(browser):
    go(browser, "/admin/")
    return int(browser.find_element(By.CSS_SELECTOR, "td[data-count=awaiting-reply]").text.split()[0])


def no_serious_violations(browser):
    violations = axe_violations(browser)
    assert not violations, format_violations(violations)


@desktop_only
def test_staff_ask_the_lead_answers_with_a_file_the_partner_asks_about_its_part(browser, open_call, staff_member,
                                                                               tmp_path):
    lead = personas.organization("대한중공업", tier=Organization.Tier.LARGE)
    partner = personas.organization("한빛정밀", tier=Organization.Tier.SME)
    personas.member(lead, Membership.Role.OWNER, "owner@daehan.example", password=PASSWORD)
    personas.member(partner, Membership.Role.OWNER, "owner@hanbit.example", password=PASSWORD)
    proposal = personas.ready_proposal(open_call, lead=lead, partner=partner, status=Proposal.Status.SUBMITTED,
                                       title="협력사 연계 AI 용접 품질 예측")
    decider, secret = staff_member("decider@ministry.example", personas.PROJECT_DECIDERS)
    plan = tmp_path / "데이터수집계획.pdf"
    plan.write_bytes(personas.PDF_BYTES)
    sessions = Sessions(browser)

    # --- the decider asks from the proposal's page in the admin ----------------------------------------------------
    sign_in(browser, decider.email, totp_secret=secret)
    sessions.keep("staff")
    go(browser, f"/admin/projects/proposal/{proposal.pk}/change/")
    press(browser, f"a[href='/admin/projects/proposal/{proposal.pk}/messages/']")
    fill(browser, "body", "수요기업 현장의 데이터 수집 범위와 기간을 알려 주세요.", scope="#content")
    press(browser, "#content form.conversation-form input[type=submit]")
    assert "수요기업 현장의 데이터" in text_of(browser, "#content") and admin_messages(browser)

    # --- the lead's owner follows the mail's link and answers with a file ------------------------------------------
    link = last_link("/my/proposals/", to="owner@daehan.example")
    assert link == f"/my/proposals/{proposal.pk}/messages/"
    sign_in(browser, "owner@daehan.example")
    sessions.keep("lead")
    go(browser, link)
    assert "수요기업 현장의 데이터" in text_of(browser)
    fill(browser, "body", "도장 라인 3개 공정에서 6개월간 수집합니다.\n계획서를 첨부합니다.")
    browser.find_element(By.NAME, "attachment").send_keys(str(plan))
    press(browser, "main form button[type=submit]")
    assert path_of(browser) == f"/my/proposals/{proposal.pk}/messages/"
    attachment = browser.find_element(By.CSS_SELECTOR, ".thread-message-attachment a")
    assert attachment.text == "데이터수집계획.pdf"
    no_serious_violations(browser)

    # --- the partner asks about its own part, told that the lead reads it -------------------------------------------
    sign_in(browser, "owner@hanbit.example")
    go(browser, f"/my/proposals/{proposal.pk}/")
    press(browser, f"a[href='/my/proposals/{proposal.pk}/part/messages/']")
    assert "대한중공업" in browser.find_element(By.CSS_SELECTOR, "[data-audience=partner]").text
    assert "도장 라인" not in text_of(browser)  # the lead's thread is not the partner's
    fill(browser, "body", "저희 현물 부담분에 기존 검사 설비의 사용료를 넣어도 되나요?")
    press(browser, "main form button[type=submit]")
    keep_screenshot(browser, "partner-part")
    no_serious_violations(browser)

    sessions.become("lead")
    go(browser, f"/my/proposals/{proposal.pk}/messages/")
    assert "저희 현물 부담분" in text_of(browser)  # the lead reads its partner's part
    keep_screenshot(browser, "lead-thread")

    # --- staff see it waiting, and answer both threads ---------------------------------------------------------------
    sessions.become("staff")
    assert waiting_count(browser) == 1
    keep_screenshot(browser, "admin-overview")
    press(browser, "#staff-overview a[href*='messages=waiting']")
    assert proposal.title in text_of(browser, "#result_list")
    go(browser, f"/admin/projects/proposal/{proposal.pk}/messages/")
    keep_screenshot(browser, "admin-thread")
    no_serious_violations(browser)
    # The reply goes first to the thread that waited longest: the lead's.
    fill(browser, "body", "확인했습니다. 감사합니다.", scope="#content")
    press(browser, "#content form.conversation-form input[type=submit]")
    assert waiting_count(browser) == 1
    go(browser, f"/admin/projects/proposal/{proposal.pk}/messages/")
    choose(browser, "to", value=partner.pk, scope="#content")
    fill(browser, "body", "과제에 직접 쓰이는 설비라면 사용 기간만큼 현물로 계상할 수 있습니다.", scope="#content")
    press(browser, "#content form.conversation-form input[type=submit]")
    assert waiting_count(browser) == 0
    sides = list(Message.objects.order_by("pk").values_list("side", "partner_id"))
    assert sides == [("staff", None), ("applicant", None), ("applicant", partner.pk), ("staff", None),
                     ("staff", partner.pk)]
    assert re.search(r"\d", text_of(browser, "#staff-overview"))
