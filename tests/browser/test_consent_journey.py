"""Two companies make one consortium by consent and go round a changes-requested loop, in a real browser.

Company B (the lead) names company A as a partner with the picker's autocomplete; A's owner finds the request
from its /my/ page, confirms its part and edits its own line; B submits. A decider asks a question in the
proposal's conversation and B answers it; the decider asks for changes; B changes the title and its own line and
submits again; B and the decider read the same diff between the two submissions, and A reads it without B's
figures. (Issue 15's journey.)
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from members.models import Membership, Organization
from projects import search
from projects.models import AIArea, Participant, Proposal
from tests import personas
from tests.background import run_tasks
from tests.browser.conftest import desktop_only
from tests.browser.helpers import (
    PASSWORD,
    Sessions,
    admin_action,
    admin_messages,
    axe_violations,
    click_to_new_page,
    fill,
    finish_submitting,
    format_violations,
    go,
    path_of,
    press,
    set_date,
    sign_in,
    text_of,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@desktop_only
def test_a_partner_named_with_the_picker_confirms_its_part_and_a_resubmission_reads_as_a_diff(
        browser, open_call, staff_member, tmp_path):
    company_a = personas.organization("한빛정밀", tier=Organization.Tier.SME)
    personas.organization("한빛소재", tier=Organization.Tier.SME)  # another match for the same letters
    a_owner = personas.member(company_a, Membership.Role.OWNER, "owner@hanbit.example", password=PASSWORD)
    company_b = personas.organization("대한중공업", tier=Organization.Tier.LARGE)
    personas.member(company_b, Membership.Role.OWNER, "owner@daehan.example", password=PASSWORD)
    document = tmp_path / "사업계획서.pdf"
    document.write_bytes(b"%PDF-1.4\n% proposal\n%%EOF\n")
    sessions = Sessions(browser)

    # --- B's owner drafts a proposal and names A with the autocomplete ----------------------------------------
    sign_in(browser, "owner@daehan.example")
    sessions.keep("b")
    go(browser, f"/my/proposals/new/{open_call.pk}/")
    fill(browser, "title", "협력사 연계 AI 용접 품질 예측")
    fill(browser, "summary", "용접 데이터를 학습해 불량을 미리 찾아냅니다.")
    fill(browser, "problem", "용접 불량의 사후 발견으로 재작업이 많습니다.")
    browser.find_element(
        By.CSS_SELECTOR, f"input[name=ai_areas][value='{AIArea.objects.get(code='defect-detection').pk}']").click()
    start = timezone.localdate(open_call.opens_at) + datetime.timedelta(days=30)
    set_date(browser, "starts_on", start)
    set_date(browser, "ends_on", start + datetime.timedelta(days=700))
    browser.find_element(By.NAME, "document").send_keys(str(document))
    for name, value in (("government_funding", 3_000_000_000), ("private_cash", 600_000_000),
                        ("private_in_kind", 2_400_000_000)):
        fill(browser, f"participants-0-{name}", value)

    box = browser.find_element(By.NAME, "participants-1-organization")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    box.send_keys("한빛")
    listbox = browser.find_element(By.ID, box.get_attribute("aria-controls"))
    wait_for(browser, lambda d: len(listbox.find_elements(By.CSS_SELECTOR, "[role=option]")) == 2)
    assert box.get_attribute("aria-expanded") == "true"
    violations = axe_violations(browser)
    assert not violations, format_violations(violations)
    box.send_keys(Keys.ARROW_DOWN)  # 한빛소재 comes first (by name), then 한빛정밀
    box.send_keys(Keys.ARROW_DOWN)
    active = browser.find_element(By.ID, box.get_attribute("aria-activedescendant"))
    assert active.get_attribute("aria-selected") == "true" and "한빛정밀" in active.text
    box.send_keys(Keys.ENTER)  # chooses: the form is not sent
    assert box.get_attribute("value") == search.label(company_a)
    assert box.get_attribute("aria-expanded") == "false" and path_of(browser).startswith("/my/proposals/new/")

    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.NAME, "participants-1-role")).select_by_value("demand_company")
    for name, value in (("government_funding", 4_500_000_000), ("private_cash", 1_500_000_000),
                        ("private_in_kind", 0)):
        fill(browser, f"participants-1-{name}", value)
    for name, value in (("indicator", "불량률"), ("baseline", 3), ("target", 1), ("unit", "%")):
        fill(browser, f"kpis-0-{name}", value)
    press(browser, "button[name=action][value=save]")
    proposal = Proposal.objects.get(title="협력사 연계 AI 용접 품질 예측")
    line = proposal.participants.get(organization=company_a)
    assert line.consent == Participant.Consent.PENDING
    assert browser.find_elements(By.CSS_SELECTOR, "tr[data-consent=pending]")
    # Submitting now is refused: A has not confirmed (after B's owner confirms who they are: portal.reauth).
    press(browser, f"form[action='/my/proposals/{proposal.pk}/submit/'] button")
    finish_submitting(browser, proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert "한빛정밀" in browser.find_element(By.CSS_SELECTOR, ".readiness").text

    # --- A's owner is told, finds the request from /my/, confirms and edits its own line ------------------------
    run_tasks()
    [request] = [m for m in mail.outbox if m.to == ["owner@hanbit.example"]]
    assert proposal.title in request.subject
    sign_in(browser, a_owner.email)
    sessions.keep("a")
    go(browser, "/my/")
    press(browser, "a[href='/my/proposals/requests/']")
    assert browser.find_element(By.CSS_SELECTOR, f"[data-request='{proposal.pk}']").get_attribute(
        "data-consent") == "pending"
    fill(browser, "note", "참여를 확약합니다.", scope=f"form[action='/my/proposals/{proposal.pk}/part/accept/']")
    press(browser, f"form[action='/my/proposals/{proposal.pk}/part/accept/'] button")
    assert browser.find_element(By.CSS_SELECTOR, f"[data-request='{proposal.pk}']").get_attribute(
        "data-consent") == "accepted"
    press(browser, f"a[href='/my/proposals/{proposal.pk}/part/']")
    fill(browser, "private_in_kind", 100_000_000)
    fill(browser, "contact_name", "이담당")
    fill(browser, "contact_phone", "010-2345-6789")
    press(browser, "main form.participation-form button[type=submit]")
    assert path_of(browser) == f"/my/proposals/{proposal.pk}/"
    # A sees its own line, not B's amounts.
    assert browser.find_element(By.CSS_SELECTOR, ".own-part").get_attribute("data-own-consent") == "accepted"
    assert "3,000,000,000" not in browser.find_element(By.CSS_SELECTOR, "table.consortium tbody").text
    line.refresh_from_db()
    assert (line.private_in_kind, line.contact_name, line.consent) == (100_000_000, "이담당", "accepted")

    # --- B submits ------------------------------------------------------------------------------------------------
    sessions.become("b")
    go(browser, f"/my/proposals/{proposal.pk}/")
    assert "이담당" in browser.find_element(By.CSS_SELECTOR, "table.consortium").text
    press(browser, f"form[action='/my/proposals/{proposal.pk}/submit/'] button")
    finish_submitting(browser, proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.private_in_kind_total == 2_400_000_000 + 100_000_000

    # --- a decider asks a question in the proposal's conversation ------------------------------------------------
    decider, secret = staff_member("decider@ministry.example", personas.PROJECT_DECIDERS)
    sign_in(browser, decider.email, totp_secret=secret)
    sessions.keep("decider")
    go(browser, f"/admin/projects/proposal/{proposal.pk}/change/")
    press(browser, f"a[href='/admin/projects/proposal/{proposal.pk}/messages/']")
    fill(browser, "body", "수요기업의 현물 부담 내역을 설명해 주세요.", scope="#content")
    press(browser, "#content form.conversation-form input[type=submit]")
    assert admin_messages(browser)

    # --- B's owner answers from the mail's link --------------------------------------------------------------------
    run_tasks()
    [question] = [m for m in mail.outbox if m.to == ["owner@daehan.example"] and "/messages/" in m.body]
    assert f"/my/proposals/{proposal.pk}/messages/" in question.body
    sessions.become("b")
    go(browser, f"/my/proposals/{proposal.pk}/messages/")
    assert "현물 부담 내역" in text_of(browser)
    fill(browser, "body", "검사 설비 사용료 1억 원을 현물로 계상했습니다.")
    press(browser, "main form button[type=submit]")
    assert "검사 설비 사용료" in text_of(browser)

    # --- the decider reads the answer and asks for changes ----------------------------------------------------------
    sessions.become("decider")
    go(browser, f"/admin/projects/proposal/{proposal.pk}/messages/")
    assert "검사 설비 사용료" in text_of(browser, "#content")
    admin_action(browser, "/admin/projects/proposal/", [proposal.pk], "request_changes")
    fill(browser, "note", "주관기관의 장비 투자 계획을 보강해 주세요.", scope="#content")
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#content form input[type=submit]"))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CHANGES_REQUESTED

    # --- B changes the title and its own line, and submits again ----------------------------------------------------
    sessions.become("b")
    go(browser, f"/my/proposals/{proposal.pk}/edit/")
    fill(browser, "title", "협력사 연계 AI 용접 품질 예측 고도화")
    fill(browser, "participants-0-government_funding", "32억")
    fill(browser, "participants-0-private_in_kind", "26억")
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "button[name=action][value=submit]"))
    finish_submitting(browser, proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED, text_of(browser)
    assert proposal.submissions.count() == 2

    # --- B and the decider read the same diff; A reads it without B's figures ---------------------------------------
    def diff_rows():
        rows = browser.find_elements(By.CSS_SELECTOR, "table.revision-diff tbody tr")
        return [(row.get_attribute("data-kind"), *[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")])
                for row in rows]

    go(browser, f"/my/proposals/{proposal.pk}/")
    click_to_new_page(browser, browser.find_element(
        By.CSS_SELECTOR, f"ol.timeline a[href='/my/proposals/{proposal.pk}/submissions/2/']"))
    rows = diff_rows()
    assert rows[0][2:] == ("협력사 연계 AI 용접 품질 예측", "협력사 연계 AI 용접 품질 예측 고도화")
    assert any("대한중공업" in row[1] and row[2:] == ("30억 원", "32억 원") for row in rows), rows
    assert any("대한중공업" in row[1] and row[2:] == ("24억 원", "26억 원") for row in rows), rows

    sessions.become("decider")
    go(browser, f"/admin/projects/proposal/{proposal.pk}/change/")
    click_to_new_page(browser, browser.find_element(
        By.CSS_SELECTOR, f"a[href='/admin/projects/proposal/{proposal.pk}/submissions/2/']"))
    assert diff_rows() == rows

    sessions.become("a")
    go(browser, f"/my/proposals/{proposal.pk}/submissions/2/")
    assert [row for row in diff_rows() if row[0] == "amount"] == []
    assert "30억 원" not in text_of(browser) and "협력사 연계 AI 용접 품질 예측 고도화" in text_of(browser)
