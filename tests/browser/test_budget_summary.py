"""The proposal form's budget summary (static/js/proposal-totals.js) in Debian's Chromium: its rules give the
messages projects.rules gives, word for word, on the shared cases of tests/projects/budget_cases.py (in Korean
and in English); typed amounts show the totals and the server's message at once, and the server says the same
when the form is sent. Screenshots go to tests/artifacts/budget-summary-*.png."""

import json

import pytest
from django.utils import translation
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from members.models import Organization
from projects import rules
from projects.choices import ParticipantRole
from projects.models import Call
from tests import personas
from tests.browser.conftest import desktop_only
from tests.browser.helpers import choose, fill, go, press, set_date, sign_in_with_session, wait_for
from tests.conftest import ARTIFACTS
from tests.projects.budget_cases import CASES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GROUPS = {
    "large": {"tier": Organization.Tier.LARGE}, "midsize": {"tier": Organization.Tier.MIDSIZE},
    "sme": {"tier": Organization.Tier.SME}, "public_enterprise": {"kind": Organization.Kind.PUBLIC_ENTERPRISE},
    "institution": {"kind": Organization.Kind.INSTITUTION},
}

# The script's own check on each case: (its lines, the rules the server hands the page for its call).
CHECK_EACH = """
return arguments[0].map(([lines, config]) => {
  const result = window.portalBudget.check(config, lines);
  return [result.problems, result.submission];
});
"""


class Members:
    """Approved members by group, made once each: line k of a case in group g is the k-th member of g."""

    def __init__(self):
        self.made = {}

    def __call__(self, group, k):
        if (group, k) not in self.made:
            self.made[group, k] = personas.organization(f"{group}-{k}", **GROUPS[group])
        return self.made[group, k]


def lines_of(members, lines):
    """A case's lines as the rules see them: the first the lead's, the others demand companies'."""
    seen = {}
    out = []
    for i, (group, government, cash, in_kind) in enumerate(lines):
        k = seen[group] = seen.get(group, -1) + 1
        out.append(rules.Line(
            organization=members(group, k), role=ParticipantRole.LEAD if i == 0 else ParticipantRole.DEMAND_COMPANY,
            government=government, cash=cash, in_kind=in_kind,
        ))
    return out


def server_messages(call, lines):
    """What the server says of `lines`: (refused when saving: each line's messages and the consortium's,
    refused when submitting on top of those)."""
    lead = lines[0].organization
    saving = [rules.line_problem(line.organization, message) for line in lines
              for messages in rules.line_errors(call, lead.pk, line).values() for message in messages]
    saving += rules.consortium_errors(call, lead, lines, complete=False)
    submitting = [p for p in rules.consortium_errors(call, lead, lines, complete=True) if p not in saving]
    return [str(p) for p in saving], [str(p) for p in submitting]


@desktop_only
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_browser_checks_every_shared_case_as_the_server_does(browser, company_owner, open_call, language):
    sign_in_with_session(browser, company_owner())
    go(browser, f"/my/proposals/new/{open_call.pk}/")
    members = Members()
    expected, cases = [], []
    for _what, call_fields, case in CASES:
        call = Call(**{"funding_cap": open_call.funding_cap, "demand_company_required": False, **call_fields})
        lines = lines_of(members, case)
        with translation.override(language):
            expected.append(server_messages(call, lines))
            config = json.loads(json.dumps(rules.live_rules(call)))
        cases.append([[{"name": str(line.organization), "group": line.organization.group,
                        "government": line.government, "cash": line.cash, "inKind": line.in_kind} for line in lines],
                      config])
    shown = browser.execute_script(CHECK_EACH, cases)
    for (what, _fields, _case), (problems, submission), server in zip(CASES, shown, expected, strict=True):
        assert (problems, submission) == server, what
    # The cases reach every message the script writes.
    every = " ".join(" ".join(a + b) for a, b in expected)
    with translation.override(language):
        for template in (rules.GOVERNMENT_SHARE, rules.CASH_MINIMUM, rules.FUNDING_CAP, rules.NO_GOVERNMENT_FUNDING,
                         rules.SME_MIDSIZE_SHARE):
            assert str(template).split("%(")[0][:12] in every, template


def summary_problems(browser):
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#budget-summary [data-budget-problems] li")]


def problem_texts(browser):
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#budget-summary .budget-problem")]


def summary_row(browser, name):
    """The summary's row for the organisation `name`: {cell: text}."""
    for row in browser.find_elements(By.CSS_SELECTOR, "#budget-summary [data-budget-rows] tr"):
        cells = {c.get_attribute("data-cell"): c.text for c in row.find_elements(By.CSS_SELECTOR, "[data-cell]")}
        if cells["name"].startswith(name):
            return cells
    raise AssertionError(f"no summary row for {name}")


def type_amounts(browser, index, government, cash, in_kind):
    for name, value in (("government_funding", government), ("private_cash", cash), ("private_in_kind", in_kind)):
        fill(browser, f"participants-{index}-{name}", value)


def fill_project(browser, call):
    import datetime

    from django.utils import timezone

    fill(browser, "title", "AI 설비 예지보전 라인")
    fill(browser, "summary", "설비 고장을 미리 알립니다.")
    fill(browser, "problem", "정지 시간을 줄입니다.")
    start = timezone.localdate(call.opens_at) + datetime.timedelta(days=30)
    set_date(browser, "starts_on", start)
    set_date(browser, "ends_on", start + datetime.timedelta(days=365))
    browser.find_element(By.CSS_SELECTOR, "main input[name=ai_areas]").click()


def shot(browser, name):
    ARTIFACTS.mkdir(exist_ok=True)
    summary = browser.find_element(By.ID, "budget-summary")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", summary)
    width = browser.execute_script("return window.innerWidth")
    browser.save_screenshot(str(ARTIFACTS / f"budget-summary-{name}-{width}.png"))


def test_typed_amounts_show_the_totals_and_the_servers_own_messages(browser, company_owner, open_call):
    owner = company_owner()
    lead = owner.membership.organization  # mid-sized: government may cover at most 70% of its own budget
    partner = personas.organization("대한중공업", tier=Organization.Tier.LARGE)
    sign_in_with_session(browser, owner)
    go(browser, f"/my/proposals/new/{open_call.pk}/")
    fill_project(browser, open_call)

    type_amounts(browser, 0, "8억", "1억", "1억")
    with translation.override("ko"):
        over = rules.government_share_problem(70, rules.Line(lead, "lead", 800_000_000, 100_000_000, 100_000_000))
    wait_for(browser, lambda b: problem_texts(b) == [f"{lead.name}: {over}"])
    row = summary_row(browser, lead.name)
    assert (row["group"], row["government"], row["private"], row["total"], row["limit"]) == (
        "중견기업", "8억 원", "2억 원", "10억 원", "70%")
    assert row["share"].startswith("80%")
    shot(browser, "over-the-share")

    # The server, sent the same lines, says the same under the amount.
    press(browser, "main form.proposal-form button[value=save]")
    errors = browser.find_element(By.CSS_SELECTOR, "#id_participants-0-government_funding ~ .errorlist")
    assert errors.text == over
    wait_for(browser, lambda b: problem_texts(b) == [f"{lead.name}: {over}"])  # and the page, loaded again

    # Within the share now; a large enterprise as the demand company, found with the picker, tips the
    # SMEs' and mid-sized firms' share below half: a rule a submission must meet.
    fill(browser, "participants-0-government_funding", "4억")
    box = browser.find_element(By.NAME, "participants-1-organization")
    box.send_keys("대한")
    option = wait_for(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#id_participants-1-organization-listbox li"))
    option.click()
    choose(browser, "participants-1-role", value="demand_company")
    type_amounts(browser, 1, "10억", "10억", "0")
    with translation.override("ko"):
        low = rules.small_share_problem(open_call, [
            rules.Line(lead, "lead", 400_000_000, 100_000_000, 100_000_000),
            rules.Line(partner, "demand_company", 1_000_000_000, 1_000_000_000, 0),
        ])
    wait_for(browser, lambda b: problem_texts(b) == [low])
    assert (summary_row(browser, "대한중공업")["group"], summary_row(browser, "대한중공업")["government"]) == (
        "대기업", "10억 원")
    assert browser.find_element(By.CSS_SELECTOR, "[data-budget-total=government]").text == "14억 원"
    assert browser.find_element(By.CSS_SELECTOR, "[data-budget-total=small-share]").text.startswith("28%")
    shot(browser, "below-the-share")

    press(browser, "main form.proposal-form button[value=submit]")
    # The formset's own errors, above the table: the submission's rule in the server's words.
    server = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "[data-formset=participants] > .errorlist li")]
    assert server == [low]
    wait_for(browser, lambda b: problem_texts(b) == [low])


def test_two_rows_are_added_without_a_page_load_and_saved(browser, company_owner, open_call):
    owner = company_owner()
    sme = personas.organization("새봄부품", tier=Organization.Tier.SME)
    institute = personas.organization("한국생산기술연구소", kind=Organization.Kind.INSTITUTION)
    sign_in_with_session(browser, owner)
    go(browser, f"/my/proposals/new/{open_call.pk}/")
    fill_project(browser, open_call)
    url = browser.current_url
    browser.execute_script("window.stillTheSamePage = true")
    total = browser.find_element(By.NAME, "participants-TOTAL_FORMS")
    start = int(total.get_attribute("value"))
    # The round trip is for browsers without scripts.
    assert not browser.find_element(By.CSS_SELECTOR, "main button[value=add-rows]").is_displayed()

    add = browser.find_element(By.CSS_SELECTOR, "fieldset[data-formset=participants] [data-formset-add] button")
    for _ in range(3):
        add.click()
    assert int(total.get_attribute("value")) == start + 3
    last = browser.find_element(By.NAME, f"participants-{start + 2}-organization")
    assert browser.switch_to.active_element == last  # the new row has the focus
    # A row added by mistake goes again; the others keep their numbers.
    middle = browser.find_element(By.NAME, f"participants-{start + 1}-organization")
    middle.find_element(By.XPATH, "ancestor::tr//button[@data-formset-remove]").click()
    assert not middle.is_displayed()
    assert browser.switch_to.active_element == last  # the focus goes on to the next row

    first, second = start, start + 2
    box = browser.find_element(By.NAME, f"participants-{first}-organization")
    box.send_keys("새봄")  # the picker works in an added row
    wait_for(browser, lambda b: b.find_element(By.CSS_SELECTOR, f"#id_participants-{first}-organization-listbox li"))
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert box.get_attribute("value") == f"새봄부품 ({sme.business_number_display})"
    choose(browser, f"participants-{first}-role", value="demand_company")
    type_amounts(browser, first, "3억", "1억", "0")
    echo = browser.find_element(By.ID, f"id_participants-{first}-government_funding_echo")
    assert echo.text == "3억 원"  # and the amount echo
    fill(browser, f"participants-{second}-organization", institute.business_number)
    choose(browser, f"participants-{second}-role", value="research_partner")
    type_amounts(browser, second, "2억", "0", "0")
    type_amounts(browser, 0, "4억", "2억", "0")
    # The institution was typed as its number: the summary looks up its group (no cash minimum, up to 100%).
    wait_for(browser, lambda b: summary_row(b, institute.name) == {
        "name": f"{institute.name}\n기관", "group": "기관", "share": "100%", "limit": "100%", "government": "2억 원",
        "private": "0원", "total": "2억 원"})
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "[data-budget-problems] .budget-ok"))

    kpis = browser.find_element(By.NAME, "kpis-TOTAL_FORMS")
    k = int(kpis.get_attribute("value"))
    browser.find_element(By.CSS_SELECTOR, "fieldset[data-formset=kpis] [data-formset-add] button").click()
    assert browser.switch_to.active_element == browser.find_element(By.NAME, f"kpis-{k}-indicator")
    for name, value in (("indicator", "불량률"), ("baseline", "3"), ("target", "1"), ("unit", "%")):
        fill(browser, f"kpis-{k}-{name}", value)

    assert browser.current_url == url and browser.execute_script("return window.stillTheSamePage === true")
    shot(browser, "rows-added")
    press(browser, "main form.proposal-form button[value=save]")
    proposal = owner.membership.organization.led_proposals.get()
    lines = {p.organization_id: (p.role, p.government_funding, p.private_cash)
             for p in proposal.participants.all()}
    assert lines == {
        owner.membership.organization_id: ("lead", 400_000_000, 200_000_000),
        sme.pk: ("demand_company", 300_000_000, 100_000_000), institute.pk: ("research_partner", 200_000_000, 0),
    }
    assert list(proposal.kpis.values_list("indicator", flat=True)) == ["불량률"]
