"""Public call pages, list query counts at two sizes, and the staff admin."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Organization
from portal import derived
from projects import services
from projects.models import Proposal, Review, ReviewScore
from tests.projects import factories as f

pytestmark = pytest.mark.django_db
S = Proposal.Status


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def add_selected_projects(n):
    past = f.call(opens=-90, closes=-30, title=f"지난 공모 {n}")
    for i in range(n):
        f.ready_proposal(past, title=f"선정 과제 {n}-{i}", status=S.SELECTED)
    f.call(title=f"열린 공모 {n}")


def test_public_list_shows_open_calls_with_d_day_and_selected_projects(client):
    f.call(title="열린 공모", closes=5)
    past = f.call(opens=-90, closes=-30, title="지난 공모")
    f.ready_proposal(past, title="선정된 과제", status=S.SELECTED)
    f.ready_proposal(past, title="탈락한 과제", status=S.REJECTED)
    page = client.get(reverse("projects:call-list")).text
    assert "열린 공모" in page and "D-5" in page
    assert "선정된 과제" in page and "탈락한 과제" not in page and "Defect detection" in page
    assert page.index("열린 공모") < page.index("지난 공모")


def test_public_list_runs_a_constant_number_of_queries(client):
    add_selected_projects(1)
    small = queries(client, reverse("projects:call-list"))
    for n in (2, 3, 4):
        add_selected_projects(n)
    assert queries(client, reverse("projects:call-list")) == small


def test_public_list_shows_a_call_s_first_selected_projects_and_links_to_the_rest(client, settings):
    from projects import views

    past = f.call(opens=-90, closes=-30, title="큰 공모")
    for i in range(views.SELECTED_PER_CALL_IN_LIST + 2):
        f.ready_proposal(past, title=f"선정 과제 {i:02d}", status=S.SELECTED)
    page = client.get(reverse("projects:call-list")).text
    assert page.count("선정 과제 ") == views.SELECTED_PER_CALL_IN_LIST
    assert f"See all {views.SELECTED_PER_CALL_IN_LIST + 2} selected projects" in page
    assert reverse("projects:call-detail", args=[past.pk]) in page


def test_call_detail_paginates_its_selected_projects(client, monkeypatch):
    from projects import views

    monkeypatch.setattr(views, "SELECTED_PER_PAGE", 2)
    past = f.call(opens=-90, closes=-30)
    for i in range(3):
        f.ready_proposal(past, title=f"선정 과제 {i}", status=S.SELECTED)
    url = reverse("projects:call-detail", args=[past.pk])
    first = client.get(url).text
    second = client.get(url, {"page": 2}).text
    assert "선정 과제 0" in first and "선정 과제 1" in first and "선정 과제 2" not in first
    assert "선정 과제 2" in second and "Page 2 of 2" in second


def test_call_detail_shows_rules_and_criteria(client):
    call = f.call(funding_cap=5_000_000_000)
    page = client.get(reverse("projects:call-detail", args=[call.pk])).text
    assert "Technical feasibility" in page and "KRW 5 billion" in page
    korean = client.get(reverse("projects:call-detail", args=[call.pk]), headers={"accept-language": "ko"}).text
    assert "기술적 실현 가능성" in korean and "50억 원" in korean


def test_my_proposals_list_runs_a_constant_number_of_queries(client, owner, lead_org):
    call = f.call()
    f.ready_proposal(call, lead=lead_org, title="첫 제안")
    client.force_login(owner)
    small = queries(client, reverse("my-proposals:list"))
    for i in range(4):
        f.ready_proposal(call, lead=lead_org, title=f"제안 {i}")
    partner_of = f.ready_proposal(call, title="참여 제안")
    partner_of.participants.create(organization=lead_org, role="research_partner")
    assert queries(client, reverse("my-proposals:list")) == small  # built again, with the new rows
    assert "참여 제안" in client.get(reverse("my-proposals:list")).text
    # Until something it shows changes, the page is served as it was stored (portal.pagecache.scoped_page).
    assert queries(client, reverse("my-proposals:list")) < small


# --- admin ----------------------------------------------------------------------------------------

CHANGELIST = "/admin/projects/proposal/"


def fill(n, reviewer):
    """`n` submitted proposals of a new call, on a panel `reviewer` sits on, each scored 3 and submitted."""
    call = f.call()
    panel = f.personas.panel(call, members=[reviewer])
    for i in range(n):
        prop = f.ready_proposal(call, title=f"과제 {i}", status=S.SUBMITTED)
        prop.ai_areas.add(*prop.ai_areas.model.objects.all()[:3])
        f.personas.assign(panel, prop)
        f.personas.declare(reviewer, prop)
        services.review_save(proposal=prop, reviewer=reviewer, scores={c.pk: 3 for c in call.criteria.all()},
                             submit=True)


def test_admin_changelist_runs_a_constant_number_of_queries(client, reviewer):
    fill(2, reviewer)
    client.force_login(reviewer)
    small = queries(client, CHANGELIST)
    fill(5, reviewer)
    assert queries(client, CHANGELIST) == small


def test_admin_changelist_shows_eok_average_and_filtered_totals(client, reviewer, decider):
    fill(2, reviewer)
    second = f.staff(None, "second@ministry.example", "Project reviewers")
    first = Proposal.objects.first()
    first.panel_assignment.panel.members.create(user=second)
    f.personas.declare(second, first)
    services.review_save(proposal=first, reviewer=second, scores={c.pk: 5 for c in first.call.criteria.all()},
                         submit=True)
    client.force_login(decider)  # panel members see no averages (issue 16)
    page = client.get(CHANGELIST, headers={"accept-language": "ko"}).text
    assert "75억 원" in page and "4.00" in page  # (3 + 5) / 2: the submitted reviews of two members
    assert "150억 원" in page  # two proposals × 75억, not multiplied by the review rows
    filtered = client.get(CHANGELIST, {"lead__tier": Organization.Tier.SME}, headers={"accept-language": "ko"}).text
    assert "150억 원" not in filtered


@pytest.mark.parametrize("filter_name", ["call__id__exact", "status__exact", "industry__id__exact",
                                         "ai_areas__id__exact", "lead__tier__exact"])
def test_admin_filters_exist(client, reviewer, filter_name):
    fill(1, reviewer)
    fill(1, reviewer)  # a second call, so the call filter has a choice to offer
    client.force_login(reviewer)
    assert f"?{filter_name}=" in client.get(CHANGELIST).text


def test_admin_csv_export_has_a_bom(client, reviewer):
    fill(2, reviewer)
    client.force_login(reviewer)
    response = client.get(reverse("admin:projects_proposal_export"))  # the whole list, as filtered (here: not)
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert "과제 0" in text and "7500000000" in text


def test_reviewers_do_not_get_decision_actions(client, reviewer, decider):
    fill(1, reviewer)
    client.force_login(reviewer)
    assert 'value="select"' not in client.get(CHANGELIST).text
    client.force_login(decider)
    assert 'value="select"' in client.get(CHANGELIST).text


def test_deciders_move_proposals_with_a_note_on_an_intermediate_page(client, decider, reviewer):
    fill(1, reviewer)
    prop = Proposal.objects.get()
    client.force_login(decider)
    page = client.post(CHANGELIST, {"action": "start_review", "_selected_action": [prop.pk]})
    assert page.status_code == 200 and 'name="note"' in page.text
    prop.refresh_from_db()
    assert prop.status == S.SUBMITTED
    data = {"action": "start_review", "_selected_action": [prop.pk], "post": "yes", "note": "검토 시작"}
    client.post(CHANGELIST, data)
    prop.refresh_from_db()
    assert prop.status == S.UNDER_REVIEW and prop.history.get().note == "검토 시작"


def test_a_second_decision_gets_a_clear_message(client, decider, reviewer):
    fill(1, reviewer)
    prop = Proposal.objects.get()
    Proposal.objects.filter(pk=prop.pk).update(status=S.SELECTED)
    client.force_login(decider)
    response = client.post(
        CHANGELIST, {"action": "reject", "_selected_action": [prop.pk], "post": "yes", "note": ""}, follow=True
    )
    assert "cannot be" in response.text or "reload" in response.text or "새로" in response.text
    prop.refresh_from_db()
    assert prop.status == S.SELECTED


def test_selecting_a_submitted_proposal_in_the_admin_says_to_start_the_review_first(client, decider, reviewer):
    fill(1, reviewer)
    prop = Proposal.objects.get()
    client.force_login(decider)
    response = client.post(
        CHANGELIST, {"action": "select", "_selected_action": [prop.pk], "post": "yes", "note": ""}, follow=True
    )
    assert "This proposal is submitted, so it cannot be selected yet: start the review first." in response.text
    assert f"“{prop.title}” was not changed" in response.text
    prop.refresh_from_db()
    assert prop.status == S.SUBMITTED and not prop.history.exists()


def test_the_admin_reports_done_and_refused_proposals_of_one_action(client, decider, reviewer):
    fill(2, reviewer)
    ready, decided = Proposal.objects.order_by("pk")
    Proposal.objects.filter(pk=decided.pk).update(status=S.SELECTED)
    client.force_login(decider)
    response = client.post(CHANGELIST, {
        "action": "start_review", "_selected_action": [ready.pk, decided.pk], "post": "yes", "note": "",
    }, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Start review: 1 proposal changed.",
        f"“{decided.title}” was not changed: This proposal is selected: from this state it cannot be put under "
        "review.",
    ]


def test_reviewers_score_on_the_score_page(client, reviewer):
    call = f.call()
    prop = f.ready_proposal(call, status=S.SUBMITTED)
    f.personas.panel(call, members=[reviewer], proposals=[prop])
    f.personas.declare(reviewer, prop)
    client.force_login(reviewer)
    url = reverse("admin:projects_proposal_score", args=[prop.pk])
    assert client.get(url).status_code == 200
    data = {f"criterion_{c.pk}": 4 for c in call.criteria.all()} | {"comment": "좋음", "score": "1"}
    assert client.post(url, data).status_code == 302
    assert prop.reviews.get().scores.count() == 5


def test_a_conflicted_reviewer_is_turned_away_from_the_score_page(client, reviewer):
    from members.models import Membership

    prop = f.ready_proposal(status=S.SUBMITTED)
    f.personas.panel(prop.call, members=[reviewer], proposals=[prop])
    Membership.objects.create(user=reviewer, organization=prop.lead)
    client.force_login(reviewer)
    # Excluded entirely (제척): the proposal does not exist for them.
    assert client.get(reverse("admin:projects_proposal_score", args=[prop.pk])).status_code == 404
    assert client.get(reverse("admin:projects_proposal_change", args=[prop.pk])).status_code == 404
    assert not prop.reviews.exists()


def test_deciders_cannot_open_the_score_page(client, decider):
    prop = f.ready_proposal(status=S.SUBMITTED)
    client.force_login(decider)
    assert client.get(reverse("admin:projects_proposal_score", args=[prop.pk])).status_code == 403


def test_admin_detail_shows_consortium_kpis_scores_and_history(client, reviewer, decider):
    fill(1, reviewer)
    prop = Proposal.objects.get()
    services.proposal_start_review(proposal=prop, by=decider, note="검토 착수")
    client.force_login(reviewer)
    page = client.get(reverse("admin:projects_proposal_change", args=[prop.pk])).text
    assert "중소부품" in page and "생산성" in page and "검토 착수" in page and reviewer.email in page


def test_company_people_cannot_use_the_admin(client, owner):
    client.force_login(owner)
    assert client.get(CHANGELIST).status_code in (302, 403)


def test_average_score_counts_only_reviews_that_were_not_recused(reviewer, make_user):
    call = f.call()
    scored = f.ready_proposal(call, status=S.SUBMITTED)
    unscored = f.ready_proposal(call, title="심사 전 과제", status=S.SUBMITTED)
    f.personas.panel(call, members=[reviewer], proposals=[scored])
    f.personas.declare(reviewer, scored)
    services.review_save(proposal=scored, reviewer=reviewer, scores={c.pk: 4 for c in call.criteria.all()},
                         submit=True)
    # A recusal drops the reviewer's scores; scores left behind on one must not count either.
    second = f.staff(make_user, "second@ministry.example", "Project reviewers")
    recused = Review.objects.create(proposal=scored, reviewer=second, recused=True, recusal_reason="이해관계")
    ReviewScore.objects.bulk_create(ReviewScore(review=recused, criterion=c, score=1) for c in call.criteria.all())
    assert Proposal.objects.average_scores() == {scored.pk: 4.0, unscored.pk: None}
    assert dict(Proposal.objects.values_list("pk", "average_score")) == {scored.pk: 4.0, unscored.pk: None}


def test_admin_totals_count_each_proposal_once_under_an_area_filter(client, reviewer):
    fill(2, reviewer)  # every proposal has three areas
    client.force_login(reviewer)
    area = Proposal.objects.first().ai_areas.first()
    page = client.get(CHANGELIST, {"ai_areas__id__exact": area.pk}, headers={"accept-language": "ko"})
    assert page.context["proposal_totals"]["count"] == 2
    assert page.context["proposal_totals"]["exact"] == 2 * 7_500_000_000


def test_the_whole_list_takes_its_count_and_funding_from_the_worker(client, reviewer):
    fill(2, reviewer)
    derived.refresh()  # the worker's count
    f.ready_proposal(title="나중 과제", status=S.SUBMITTED)  # since then
    client.force_login(f.personas.staff(group=f.personas.PROJECT_DECIDERS))
    page = client.get(CHANGELIST)
    assert page.context["proposal_totals"] == {"count": 2, "exact": 2 * 7_500_000_000}  # a moment behind
    assert "나중 과제" in [p.title for p in page.context["cl"].result_list]  # yet every row is listed
    filtered = client.get(CHANGELIST, {"status__exact": S.SUBMITTED})  # a filter is counted now
    assert filtered.context["proposal_totals"] == {"count": 3, "exact": 3 * 7_500_000_000}


def test_a_deep_page_of_the_whole_list_starts_from_the_worker_s_marks(client, reviewer, monkeypatch):
    from portal import pagination
    from projects.admin import ProposalAdmin

    monkeypatch.setattr(pagination, "MARK_EVERY", 2)  # a mark every second proposal
    monkeypatch.setattr(ProposalAdmin, "list_per_page", 2)
    fill(5, reviewer)
    derived.refresh()
    client.force_login(f.personas.staff(group=f.personas.PROJECT_DECIDERS))
    expected = list(Proposal.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        shown = [p.pk for p in client.get(CHANGELIST, {"p": 3}).context["cl"].result_list]
    assert shown == expected[4:5]
    ids_query = next(q["sql"] for q in captured if re.search(r"LIMIT 2\b", q["sql"]))
    assert "OFFSET" not in ids_query  # started at the row of the mark before the page, the page's first


def test_a_panel_member_s_list_counts_their_own_proposals(client, reviewer):
    fill(2, reviewer)
    f.ready_proposal(title="다른 패널 과제", status=S.SUBMITTED)
    derived.refresh()
    client.force_login(reviewer)
    page = client.get(CHANGELIST)
    assert page.context["cl"].result_count == 2 and page.context["proposal_totals"]["count"] == 2
