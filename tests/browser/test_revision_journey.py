"""A changes-requested loop read as a diff, in a real browser.

Company B's proposal with company A as demand company has been submitted. A decider asks for changes in the admin;
B's owner raises its own line and retitles the proposal, then submits again; B's owner reads what changed from the
timeline, the decider from the proposal's admin page, and A's owner sees the same diff without B's figures.
Screenshots go to tests/artifacts/revision-*-<width>.png for people to look at.
"""


import pytest
from selenium.webdriver.common.by import By

from members.models import Membership, Organization
from projects import services
from projects.models import Proposal
from tests import personas
from tests.browser.conftest import desktop_only
from tests.browser.helpers import (
    PASSWORD,
    Sessions,
    admin_action,
    admin_messages,
    click_to_new_page,
    fill,
    full_page_screenshot,
    go,
    path_of,
    sign_in,
    sign_in_with_session,
    text_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def diff_rows(browser):
    """(kind, what, before, after) of each row of the page's diff."""
    rows = browser.find_elements(By.CSS_SELECTOR, "table.revision-diff tbody tr")
    return [(row.get_attribute("data-kind"), *[cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")])
            for row in rows]


@desktop_only
def test_a_resubmission_reads_as_what_changed_for_the_lead_the_partner_and_staff(browser, open_call, staff_member):
    company_b = personas.organization("대한중공업", tier=Organization.Tier.LARGE)
    b_owner = personas.member(company_b, Membership.Role.OWNER, "owner@daehan.example", password=PASSWORD)
    company_a = personas.organization("한빛정밀", tier=Organization.Tier.SME)
    a_owner = personas.member(company_a, Membership.Role.OWNER, "owner@hanbit.example", password=PASSWORD)
    decider, secret = staff_member("decider@ministry.example", personas.PROJECT_DECIDERS)
    proposal = personas.ready_proposal(open_call, lead=company_b, partner=company_a, title="AI 용접 품질 예측")
    services.proposal_submit(proposal=proposal, by=b_owner)
    sessions = Sessions(browser)

    # --- the decider asks for changes --------------------------------------------------------------------------
    sign_in(browser, decider.email, totp_secret=secret)
    sessions.keep("decider")
    admin_action(browser, "/admin/projects/proposal/", [proposal.pk], "request_changes")
    fill(browser, "note", "주관기관의 장비 투자 계획을 보강해 주세요.", scope="#content")
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#content form input[type=submit]"))
    assert admin_messages(browser)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CHANGES_REQUESTED

    # --- B's owner retitles the proposal, raises its own line and submits again -------------------------------
    sign_in_with_session(browser, b_owner)
    sessions.keep("b")
    go(browser, f"/my/proposals/{proposal.pk}/edit/")
    fill(browser, "title", "AI 용접 품질 예측 고도화")
    fill(browser, "participants-0-government_funding", "32억")
    fill(browser, "participants-0-private_in_kind", "26억")
    click_to_new_page(browser, browser.find_element(By.CSS_SELECTOR, "button[name=action][value=submit]"))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED, text_of(browser)
    assert proposal.submissions.count() == 2

    # --- B reads what changed, from the timeline ---------------------------------------------------------------
    go(browser, f"/my/proposals/{proposal.pk}/")
    click_to_new_page(browser, browser.find_element(
        By.CSS_SELECTOR, f"ol.timeline a[href='/my/proposals/{proposal.pk}/submissions/2/']"))
    assert path_of(browser) == f"/my/proposals/{proposal.pk}/submissions/2/"
    rows = diff_rows(browser)
    assert rows[0][0] == "field" and rows[0][2:] == ("AI 용접 품질 예측", "AI 용접 품질 예측 고도화")  # the title
    kinds = [row[0] for row in rows]
    assert kinds == ["field", "field", "field", "amount", "amount"]  # title, two totals, the lead's two amounts
    assert any("대한중공업" in row[1] and row[2:] == ("30억 원", "32억 원") for row in rows), rows
    full_page_screenshot(browser, "revision-lead")

    # --- the decider reads the same diff in the admin -----------------------------------------------------------
    sessions.become("decider")
    go(browser, f"/admin/projects/proposal/{proposal.pk}/change/")
    click_to_new_page(browser, browser.find_element(
        By.CSS_SELECTOR, f"a[href='/admin/projects/proposal/{proposal.pk}/submissions/2/']"))
    assert diff_rows(browser) == rows
    full_page_screenshot(browser, "revision-admin")

    # --- A's owner sees the changes without B's figures ---------------------------------------------------------
    sign_in_with_session(browser, a_owner)
    go(browser, f"/my/proposals/{proposal.pk}/submissions/2/")
    partner_rows = diff_rows(browser)
    assert [row[0] for row in partner_rows] == ["field", "field", "field"]
    assert "30억 원" not in text_of(browser) and "32억 원" not in text_of(browser)
    full_page_screenshot(browser, "revision-partner")
