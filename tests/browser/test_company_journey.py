"""A company's whole way through the portal, in a real browser, in Korean.

Sign up → verify → register the company → staff approve it → a colleague joins by invitation →
a consortium proposal → a broken rule the page explains → submission → review, changes, selection →
the applicant reads the decision.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from selenium.webdriver.common.by import By

from members.models import Organization
from projects import services
from projects.models import AIArea, Proposal
from tests import personas
from tests.background import run_tasks
from tests.browser.conftest import desktop_only
from tests.browser.helpers import (
    Sessions,
    admin_action,
    admin_messages,
    button,
    choose,
    click_to_new_page,
    fill,
    finish_submitting,
    go,
    last_link,
    path_of,
    press,
    set_date,
    sign_in,
    sign_up_and_verify,
    text_of,
)
from tests.projects import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OWNER, COLLEAGUE = "daepyo@hanbit.example", "dongryo@hanbit.example"
BUSINESS_NUMBER = f.business_number(4242)  # a valid NTS check digit
CAP = 10_000_000_000  # 100억 원


def register_company(browser, proof_pdf):
    go(browser, "/members/register/")
    fill(browser, "name", "한빛정밀")
    fill(browser, "name_en", "Hanbit Precision")
    # Typed the way it is printed on the certificate, with dashes.
    fill(browser, "business_number", f"{BUSINESS_NUMBER[:3]}-{BUSINESS_NUMBER[3:5]}-{BUSINESS_NUMBER[5:]}")
    fill(browser, "representative", "김대표")
    choose(browser, "tier", value=Organization.Tier.MIDSIZE)
    choose(browser, "industry", value=f.industry().pk)
    fill(browser, "address", "경기도 성남시 분당구 판교로 1")
    fill(browser, "employees", 320)
    choose(browser, "ai_stage", value=Organization.AIStage.PILOT)
    browser.find_element(By.NAME, "tier_proof").send_keys(str(proof_pdf))
    fill(browser, "certificate_number", "0000-2026-12345")
    set_date(browser, "certificate_expires_on", timezone.localdate() + datetime.timedelta(days=300))
    click_to_new_page(browser, button(browser, "가입 신청"))


def fill_line(browser, row, org, role, gov, cash, in_kind):
    prefix = f"participants-{row}-"
    fill(browser, prefix + "organization", org.business_number)  # the picker's box takes a business number
    choose(browser, prefix + "role", value=role)
    fill(browser, prefix + "government_funding", gov)
    fill(browser, prefix + "private_cash", cash)
    fill(browser, prefix + "private_in_kind", in_kind)


def fill_kpi(browser, row, indicator, baseline, target, unit):
    for name, value in (("indicator", indicator), ("baseline", baseline), ("target", target), ("unit", unit)):
        fill(browser, f"kpis-{row}-{name}", value)


def confirm_part(proposal, org):
    """`org`'s owner confirms its line in `proposal`, as the partner's own pages let it."""
    line = proposal.participants.get(organization=org)
    services.participation_answer(participant=line, action="accept", by=f.member(None, org, "owner"))


@desktop_only
def test_company_registers_proposes_and_is_selected(browser, tmp_path, staff_member, open_call):
    # Two approved partners for the consortium, and the ministry staff who will decide.
    sme = f.organization("새봄부품", tier=Organization.Tier.SME)
    institute = f.organization("한국생산기술연구소", kind=Organization.Kind.INSTITUTION)
    approver, approver_secret = staff_member("membership@ministry.example", "Membership reviewers")
    reviewer, reviewer_secret = staff_member("reviewer@ministry.example", "Project reviewers")
    _decider, decider_secret = staff_member("decider@ministry.example", "Project deciders")
    proof_pdf = tmp_path / "중견기업확인서.pdf"
    proof_pdf.write_bytes(b"%PDF-1.4\n% certificate of a mid-sized enterprise\n%%EOF\n")
    proposal_pdf = tmp_path / "사업계획서.pdf"
    proposal_pdf.write_bytes(b"%PDF-1.4\n% proposal\n%%EOF\n")
    sessions = Sessions(browser)

    # --- the owner signs up, verifies the address and registers the company ---------------------
    sign_up_and_verify(browser, OWNER)
    sign_in(browser, OWNER)
    register_company(browser, proof_pdf)
    assert path_of(browser) == "/my/"
    assert "감사합니다. 가입 신청이 접수되어 심사를 기다리고 있습니다." in text_of(browser)
    assert f"{BUSINESS_NUMBER[:3]}-{BUSINESS_NUMBER[3:5]}-{BUSINESS_NUMBER[5:]}" in text_of(browser)
    assert "중견기업확인서.pdf" in text_of(browser)
    organization = Organization.objects.get(business_number=BUSINESS_NUMBER)
    assert organization.status == Organization.Status.PENDING
    sessions.keep("owner")

    # --- a membership reviewer signs in with TOTP and approves it in the admin -------------------
    sign_in(browser, approver.email, totp_secret=approver_secret)
    admin_action(browser, "/admin/members/organization/", [organization.pk], "approve")
    assert "한빛정밀" in text_of(browser, "#content")
    fill(browser, "note", "확인서 검토 완료. 환영합니다.", scope="#content")
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#content form input[type=submit]"))
    assert "승인" in admin_messages(browser)
    organization.refresh_from_db()
    assert organization.status == Organization.Status.APPROVED

    # --- the owner sees the approval and invites a colleague, who signs up and joins ----------------
    sessions.become("owner")
    go(browser, "/my/")
    assert "확인서 검토 완료. 환영합니다." in text_of(browser)
    fill(browser, "email", COLLEAGUE, scope=".invite-form")
    choose(browser, "role", value="manager", scope=".invite-form")
    click_to_new_page(browser, button(browser, "초대 보내기"))
    invitation = last_link("/members/invitations/", to=COLLEAGUE)

    sign_up_and_verify(browser, COLLEAGUE)
    sign_in(browser, COLLEAGUE)
    go(browser, invitation)
    assert "한빛정밀" in text_of(browser)
    click_to_new_page(browser, button(browser, "수락하고 합류하기"))
    assert path_of(browser) == "/my/"
    assert "한빛정밀" in text_of(browser, "h1")

    sessions.become("owner")
    go(browser, "/my/")
    assert COLLEAGUE in text_of(browser, "table.people")

    # --- the owner drafts a proposal: two partners, budget lines, KPIs ---------------------------
    go(browser, "/my/proposals/")
    click_to_new_page(browser, browser.find_element(By.LINK_TEXT, open_call.title))
    fill(browser, "title", "협력사 연계 AI 불량 검출 라인")
    fill(browser, "summary", "비전 AI로 협력사 부품의 불량을 실시간으로 찾아냅니다.")
    fill(browser, "problem", "수작업 검사로 불량 유출이 잦습니다. 검사 자동화로 불량률을 절반으로 줄입니다.")
    for area in AIArea.objects.filter(code__in=["defect-detection", "process-optimisation"]):
        browser.find_element(By.CSS_SELECTOR, f"input[name=ai_areas][value='{area.pk}']").click()
    start = timezone.localdate(open_call.opens_at) + datetime.timedelta(days=30)
    set_date(browser, "starts_on", start)
    set_date(browser, "ends_on", start + datetime.timedelta(days=700))
    browser.find_element(By.NAME, "document").send_keys(str(proposal_pdf))
    # The lead row comes filled in with the company itself as Lead.
    fill_line(browser, 0, organization, "lead", 5_000_000_000, 1_000_000_000, 1_500_000_000)
    fill_line(browser, 1, sme, "demand_company", 4_500_000_000, 500_000_000, 1_000_000_000)
    fill_kpi(browser, 0, "생산성", 100, 120, "%")
    fill_kpi(browser, 1, "불량률", 2.5, 1.2, "%")
    click_to_new_page(browser, button(browser, "임시 저장"))
    proposal = Proposal.objects.get(title="협력사 연계 AI 불량 검출 라인")
    assert proposal.lead == organization and proposal.participants.count() == 2
    # Each partner confirms its part on its own pages (tests/browser/test_consent_journey.py walks through that).
    confirm_part(proposal, sme)

    # The third row of the consortium, added in the page: a research institute, up to 100% government-funded.
    go(browser, f"/my/proposals/{proposal.pk}/edit/")
    rows = len(browser.find_elements(By.CSS_SELECTOR, "[data-formset=participants] tr[data-formset-row]"))
    browser.find_element(By.CSS_SELECTOR, "[data-formset=participants] [data-formset-add] button").click()
    fill_line(browser, rows, institute, "research_partner", CAP - 9_500_000_000 + 1, 0, 0)

    # --- one won over the call's cap: the page says so, in Korean -----------------------------------
    click_to_new_page(browser, button(browser, "저장하고 제출"))
    assert "컨소시엄이 신청한 정부지원금은 100억 1원이지만, 이 공모의 한도는 100억 원입니다." in text_of(browser)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT and proposal.participants.count() == 2

    # --- exactly the cap is accepted: fix and submit, once the institute named just now confirmed --------
    fill(browser, f"participants-{rows}-government_funding", CAP - 9_500_000_000)
    click_to_new_page(browser, button(browser, "저장하고 제출"))
    assert browser.find_elements(By.CSS_SELECTOR, "tr[data-consent=pending]")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    confirm_part(proposal, institute)
    press(browser, f"form[action='/my/proposals/{proposal.pk}/submit/'] button")
    finish_submitting(browser, proposal.pk)  # confirming who they are first (portal.reauth)
    assert "제안서를 제출했습니다." in text_of(browser), text_of(browser)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.government_total == CAP
    assert proposal.participants.count() == 3 and proposal.kpis.count() == 2

    # --- a project reviewer (TOTP) on the call's panel declares no conflict, then scores and submits -------
    personas.panel(open_call, members=[reviewer], proposals=[proposal])
    sign_in(browser, "reviewer@ministry.example", totp_secret=reviewer_secret)
    go(browser, f"/admin/projects/proposal/{proposal.pk}/change/")
    assert path_of(browser) == f"/admin/projects/proposal/{proposal.pk}/declare/"  # the declaration comes first
    assert sme.name in text_of(browser, "#content")  # the consortium's names, to declare against
    browser.find_element(By.CSS_SELECTOR, "#content input[name=ground][value=none]").click()
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#content .declaration-form input[type=submit]"))
    assert path_of(browser) == f"/admin/projects/proposal/{proposal.pk}/change/"
    click_to_new_page(browser, browser.find_element(By.LINK_TEXT, "이 제안서 평가하기"))
    for score, criterion in zip((5, 4, 4, 5, 3), open_call.criteria.all(), strict=True):
        choose(browser, f"criterion_{criterion.pk}", value=score, scope="#content")
    fill(browser, "comment", "협력사 확산 계획이 구체적입니다. 예산 근거를 보강하세요.", scope="#content")
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#content input[name=submit]"))
    review = proposal.reviews.get()
    assert review.scores.count() == 5 and review.submitted_at is not None
    assert browser.find_elements(By.CSS_SELECTOR, "#content .review-locked")  # locked once submitted

    # --- a decider (TOTP) asks for changes, with a note --------------------------------------------
    sign_in(browser, "decider@ministry.example", totp_secret=decider_secret)
    admin_action(browser, "/admin/projects/proposal/", [proposal.pk], "request_changes")
    fill(browser, "note", "장비 구입비 산출 근거를 첨부해 주세요.", scope="#content")
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#content form input[type=submit]"))
    assert "보완 요청: 제안서 1건을 변경했습니다." in admin_messages(browser)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CHANGES_REQUESTED
    sessions.keep("decider")

    # --- the applicant reads the note, edits and submits again ---------------------------------------
    sessions.become("owner")
    go(browser, f"/my/proposals/{proposal.pk}/")
    assert "장비 구입비 산출 근거를 첨부해 주세요." in text_of(browser)
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, f"a[href='/my/proposals/{proposal.pk}/edit/']"))
    fill(browser, "summary", "비전 AI로 협력사 부품의 불량을 실시간으로 찾아냅니다. 장비 산출 근거를 보강했습니다.")
    click_to_new_page(browser, button(browser, "저장하고 제출"))
    finish_submitting(browser, proposal.pk)  # again, if the last confirmation is no longer recent
    assert "제안서를 제출했습니다." in text_of(browser), text_of(browser)

    # --- the decider starts the review and selects it ---------------------------------------------------
    sessions.become("decider")
    for action, label in (("start_review", "검토 시작"), ("select", "선정")):
        admin_action(browser, "/admin/projects/proposal/", [proposal.pk], action)
        click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#content form input[type=submit]"))
        assert f"{label}: 제안서 1건을 변경했습니다." in admin_messages(browser), admin_messages(browser)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SELECTED

    # --- the applicant sees the decision, the timeline and the scores, without reviewers' names ----------
    sessions.become("owner")
    go(browser, f"/my/proposals/{proposal.pk}/")
    page = text_of(browser)
    assert "선정" in text_of(browser, "main .status-badge")
    timeline = text_of(browser, "ol.timeline")
    for step in ("제출", "보완 요청", "검토 중", "선정"):
        assert step in timeline, (step, timeline)
    assert "장비 구입비 산출 근거를 첨부해 주세요." in timeline
    assert "평가 결과" in page
    assert "5.0" in page and "3.0" in page
    assert "협력사 확산 계획이 구체적입니다." in page
    assert "reviewer@ministry.example" not in page and "decider@ministry.example" not in page
    # Every decision reached the owner and the manager who joined by invitation.
    run_tasks()
    # (The partners' confirmations reached the lead too, each naming its partner.)
    decided = [m for m in mail.outbox if proposal.title in m.subject
               and sme.name not in m.subject and institute.name not in m.subject]
    assert len(decided) == 5  # submitted, changes requested, submitted, under review, selected
    assert {OWNER, COLLEAGUE} <= set(decided[-1].to)
