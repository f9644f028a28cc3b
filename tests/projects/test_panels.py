"""Review by panels: who on a panel sees which proposal, conflicts of interest (제척·회피), independent and locked
scoring, the panel's summary for staff."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from portal.workflow import WorkflowError
from projects import panels, rules, services
from projects.models import ConflictDeclaration, Proposal, Review, ReviewReopening
from tests import personas

S = Proposal.Status
G = ConflictDeclaration.Ground


@pytest.fixture
def submitted(proposal, owner):
    services.proposal_submit(proposal=proposal, by=owner)
    return proposal


@pytest.fixture
def panel(submitted, reviewer):
    return personas.panel(submitted.call, members=[reviewer], proposals=[submitted])


def scores(proposal, value=4):
    return {c.pk: value for c in proposal.call.criteria.all()}


def score_data(proposal, value=4, **extra):
    return {f"criterion_{c.pk}": value for c in proposal.call.criteria.all()} | {"comment": "의견"} | extra


def urls(proposal):
    annex = proposal.annexes.get()
    return {
        "change": reverse("admin:projects_proposal_change", args=[proposal.pk]),
        "history": reverse("admin:projects_proposal_history", args=[proposal.pk]),
        "score": reverse("admin:projects_proposal_score", args=[proposal.pk]),
        "declare": reverse("admin:projects_proposal_declare", args=[proposal.pk]),
        "document": reverse("my-proposals:document", args=[proposal.pk]),
        "annex": reverse("my-proposals:annex", args=[proposal.pk, annex.pk]),
    }


def assert_shut_out(client, proposal, *, files=True):
    """Every way to the proposal is a 404, a crafted POST to the score page included, and it is not listed.
    (`files=False` for a reviewer who is also a person of a consortium member: as such they read its files.)"""
    for name, url in urls(proposal).items():
        if files or name not in ("document", "annex"):
            assert client.get(url).status_code == 404, name
    before = Review.objects.count()
    assert client.post(urls(proposal)["score"], score_data(proposal, submit="1")).status_code == 404
    assert client.post(urls(proposal)["declare"], {"ground": "none"}).status_code == 404
    assert Review.objects.count() == before and not ConflictDeclaration.objects.filter(reviewer_id=client.session[
        "_auth_user_id"], ground="none").exists()
    client.get(reverse("admin:projects_proposal_changelist"))  # a message about the proposal, if one is waiting
    assert urls(proposal)["change"] not in client.get(reverse("admin:projects_proposal_changelist")).text


# --- who sees what --------------------------------------------------------------------------------------------


def test_a_reviewer_on_no_panel_meets_404_everywhere(client, submitted, reviewer):
    client.force_login(reviewer)
    assert_shut_out(client, submitted)
    with pytest.raises(PermissionDenied):
        services.review_save(proposal=submitted, reviewer=reviewer, scores=scores(submitted))


def test_a_reviewer_on_another_panel_of_the_same_call_meets_404(client, submitted, reviewer):
    other = personas.ready_proposal(submitted.call, title="다른 과제", status=S.SUBMITTED)
    personas.panel(submitted.call, members=[reviewer], proposals=[other])
    client.force_login(reviewer)
    assert_shut_out(client, submitted)


def test_a_member_declares_before_seeing_the_content(client, panel, submitted, reviewer):
    client.force_login(reviewer)
    links = urls(submitted)
    # Listed, so they can declare; the content and the files wait for the declaration.
    assert submitted.title in client.get(reverse("admin:projects_proposal_changelist")).text
    assert client.get(links["change"])["Location"] == links["declare"]
    assert client.get(links["score"])["Location"] == links["declare"]
    assert client.get(links["document"]).status_code == 404
    assert client.get(links["annex"]).status_code == 404
    page = client.get(links["declare"], headers={"accept-language": "en"})
    assert page.status_code == 200 and "중소부품" in page.text  # the consortium's names, to declare against
    assert "요약" not in page.text and "생산성" not in page.text  # but not the content
    with pytest.raises(ValidationError, match="Declare"):
        services.review_save(proposal=submitted, reviewer=reviewer, scores=scores(submitted))

    assert client.post(links["declare"], {"ground": "none"}).status_code == 302
    assert client.get(links["change"]).status_code == 200
    assert client.get(links["document"]).content.startswith(b"%PDF")
    assert client.get(links["annex"]).status_code == 200
    assert client.get(links["score"]).status_code == 200


def test_a_declared_conflict_excludes_the_member_entirely(client, panel, submitted, reviewer):
    client.force_login(reviewer)
    response = client.post(urls(submitted)["declare"], {"ground": G.JOINT_RESEARCH, "reason": ""})
    assert response.status_code == 200 and not ConflictDeclaration.objects.exists()  # a conflict needs a reason
    client.post(urls(submitted)["declare"], {"ground": G.JOINT_RESEARCH, "reason": "2024년 공동연구 수행"})
    assert ConflictDeclaration.objects.get().has_conflict
    assert_shut_out(client, submitted)
    with pytest.raises(PermissionDenied):
        services.review_save(proposal=submitted, reviewer=reviewer, scores=scores(submitted))


def test_a_conflict_found_after_declaring_none_drops_the_draft_scores(client, panel, submitted, reviewer):
    personas.declare(reviewer, submitted)
    services.review_save(proposal=submitted, reviewer=reviewer, scores=scores(submitted))
    services.conflict_declare(proposal=submitted, reviewer=reviewer, ground=G.RELATIVE, reason="배우자가 재직 중")
    assert not Review.objects.exists()
    with pytest.raises(PermissionDenied):  # and it cannot be taken back
        services.conflict_declare(proposal=submitted, reviewer=reviewer, ground=G.NONE)


def test_deciders_see_every_proposal_and_a_member_only_theirs(client, panel, submitted, reviewer, decider):
    other = personas.ready_proposal(submitted.call, title="패널 밖의 과제", status=S.SUBMITTED)
    client.force_login(decider)
    page = client.get(reverse("admin:projects_proposal_changelist")).text
    assert submitted.title in page and other.title in page
    assert client.get(reverse("my-proposals:document", args=[other.pk])).status_code == 200
    client.force_login(reviewer)
    page = client.get(reverse("admin:projects_proposal_changelist")).text
    assert submitted.title in page and other.title not in page
    export = client.get(reverse("admin:projects_proposal_export")).content.decode("utf-8-sig")
    assert submitted.title in export and other.title not in export


# --- automatic grounds (제척) ---------------------------------------------------------------------------------


def test_own_organisation_in_the_consortium_excludes_automatically(client, submitted, reviewer, partner_org):
    personas.panel(submitted.call, members=[reviewer], proposals=[submitted])
    Membership.objects.create(user=reviewer, organization=partner_org)
    assert rules.automatic_conflict(submitted, reviewer) == (rules.OWN_ORGANISATION, partner_org.name)
    client.force_login(reviewer)
    assert_shut_out(client, submitted, files=False)


def test_an_outside_evaluators_affiliation_in_the_consortium_excludes(client, submitted, lead_org):
    evaluator = personas.evaluator(organization=lead_org, affiliation=lead_org.name)
    personas.panel(submitted.call, members=[evaluator], proposals=[submitted])
    client.force_login(evaluator)
    assert_shut_out(client, submitted)


@pytest.mark.parametrize(("until", "excluded"), [(2026, True), (2023, True), (2022, False)])
def test_a_former_employer_counts_for_3_years(submitted, lead_org, until, excluded):
    """In 2026 an employment that ended in 2023 or later is a conflict; one that ended in 2022 is not."""
    evaluator = personas.evaluator(employers=[(lead_org.name, lead_org, 2015, until)])
    found = rules.automatic_conflict(submitted, evaluator, today=datetime.date(2026, 6, 1))
    assert (found == (rules.FORMER_EMPLOYER, lead_org.name)) is excluded


def test_a_former_employer_outside_the_alliance_is_not_detected(submitted):
    evaluator = personas.evaluator(employers=[("해외연구소", None, 2020, 2025)])
    assert rules.automatic_conflict(submitted, evaluator) is None


def test_staff_see_who_is_excluded_and_why(client, submitted, reviewer, decider, partner_org, make_user):
    evaluator = personas.evaluator(name="최교수", employers=[(partner_org.name, partner_org, 2018,
                                                              timezone.localdate().year - 1)])
    third = personas.staff(group=personas.PROJECT_REVIEWERS)
    panel = personas.panel(submitted.call, members=[reviewer, evaluator, third], proposals=[submitted])
    personas.declare(third, submitted, G.TEACHER_STUDENT, "대표가 지도학생")
    client.force_login(decider)
    page = client.get(reverse("admin:projects_panel_summary", args=[panel.pk]),
                      headers={"accept-language": "en"}).text
    assert "Former employer in the consortium within 3 years: 중소부품" in page
    assert "Teacher and student: 대표가 지도학생" in page
    assert "not declared yet" in page  # the reviewer


# --- independent scoring --------------------------------------------------------------------------------------


@pytest.fixture
def two_members(submitted, reviewer):
    second = personas.evaluator(name="정평가")
    panel = personas.panel(submitted.call, members=[reviewer, second], chair=reviewer, proposals=[submitted])
    for person in (reviewer, second):
        personas.declare(person, submitted)
    return panel, reviewer, second


def test_nobody_sees_others_scores_before_submitting_and_before_scoring_closes(client, submitted, two_members,
                                                                                decider):
    panel, first, second = two_members
    services.review_save(proposal=submitted, reviewer=first, scores=scores(submitted, 2), comment="첫째의 의견",
                         submit=True)
    services.review_save(proposal=submitted, reviewer=second, scores=scores(submitted, 5), comment="둘째의 의견")
    score_url, change_url = urls(submitted)["score"], urls(submitted)["change"]

    def sees(person, text):
        client.force_login(person)
        return text in client.get(score_url).text or text in client.get(change_url).text

    assert not sees(first, "둘째의 의견") and not sees(second, "첫째의 의견")  # open: each their own only
    services.review_save(proposal=submitted, reviewer=second, scores=scores(submitted, 5), comment="둘째의 의견",
                         submit=True)
    assert not sees(first, "둘째의 의견") and not sees(second, "첫째의 의견")  # both in, scoring still open
    services.panel_close_scoring(panel=panel, by=decider)
    assert sees(first, "둘째의 의견") and sees(second, "첫째의 의견")  # closed and submitted
    client.force_login(first)
    assert "70.00" in client.get(score_url).text  # (40 + 100) / 2, after closing


def test_a_member_who_did_not_submit_sees_nothing_after_closing(client, submitted, two_members, decider):
    panel, first, second = two_members
    services.review_save(proposal=submitted, reviewer=first, scores=scores(submitted), comment="첫째의 의견",
                         submit=True)
    services.panel_close_scoring(panel=panel, by=decider)
    client.force_login(second)
    assert "첫째의 의견" not in client.get(urls(submitted)["change"]).text
    assert "첫째의 의견" not in client.get(urls(submitted)["score"]).text
    with pytest.raises(WorkflowError, match="closed"):
        services.review_save(proposal=submitted, reviewer=second, scores=scores(submitted), submit=True)


def test_members_see_no_averages_in_the_list(client, submitted, two_members):
    _panel, first, second = two_members
    services.review_save(proposal=submitted, reviewer=second, scores=scores(submitted, 5), submit=True)
    client.force_login(first)
    page = client.get(reverse("admin:projects_proposal_changelist"), headers={"accept-language": "en"}).text
    assert "5.00" not in page and "average score" not in page
    export = client.get(reverse("admin:projects_proposal_export")).content.decode("utf-8-sig")
    assert "5.00" not in export


def test_a_submitted_review_is_locked_and_only_the_chair_reopens_it(client, submitted, two_members):
    _panel, chair, second = two_members
    services.review_save(proposal=submitted, reviewer=second, scores=scores(submitted, 3), comment="처음",
                         submit=True)
    with pytest.raises(WorkflowError, match="locked"):
        services.review_save(proposal=submitted, reviewer=second, scores=scores(submitted, 5))
    client.force_login(second)  # a crafted POST changes nothing either
    client.post(urls(submitted)["score"], score_data(submitted, 5, submit="1"))
    review = Review.objects.get(reviewer=second)
    assert set(review.scores.values_list("score", flat=True)) == {3}
    with pytest.raises(PermissionDenied):  # not the chair
        services.review_reopen(review=review, by=second, reason="고치고 싶음")

    client.force_login(chair)
    page = client.get(urls(submitted)["score"], headers={"accept-language": "en"}).text
    assert "submitted" in page and "처음" not in page  # the chair sees who submitted, not what
    client.post(urls(submitted)["score"], {"reopen": "1", "review": review.pk, "reason": "점수 입력 착오"})
    reopening = ReviewReopening.objects.get()
    assert reopening.by == chair and reopening.reason == "점수 입력 착오" and reopening.comment_before == "처음"
    assert set(reopening.scores_before.values()) == {3}
    services.review_save(proposal=submitted, reviewer=second, scores=scores(submitted, 4), submit=True)
    assert set(review.scores.values_list("score", flat=True)) == {4}


def test_the_score_page_saves_drafts_and_submits(client, submitted, two_members):
    _panel, first, _second = two_members
    client.force_login(first)
    client.post(urls(submitted)["score"], score_data(submitted, 4, save="1"))
    review = Review.objects.get(reviewer=first)
    assert review.submitted_at is None
    client.post(urls(submitted)["score"], score_data(submitted, 5, submit="1"))
    review.refresh_from_db()
    assert review.submitted_at and set(review.scores.values_list("score", flat=True)) == {5}


def test_scoring_needs_weights_that_sum_to_100(submitted, two_members):
    _panel, first, _second = two_members
    submitted.call.criteria.filter(code="budget").update(weight=0)
    with pytest.raises(ValidationError, match="sum to 90"):
        services.review_save(proposal=submitted, reviewer=first, scores=scores(submitted))


# --- the panel's summary --------------------------------------------------------------------------------------


def full_panel(size, call, reviewers):
    panel = personas.panel(call, members=reviewers)
    for i in range(size):
        prop = personas.ready_proposal(call, title=f"평가 과제 {i}", status=S.SUBMITTED)
        personas.assign(panel, prop)
        for n, person in enumerate(reviewers):
            personas.declare(person, prop)
            services.review_save(proposal=prop, reviewer=person, scores=scores(prop, 1 + (i + n) % 5), submit=True)
    return panel


def test_the_summary_ranks_proposals_and_exports_them(client, decider):
    call = personas.call()
    reviewers = [personas.staff(group=personas.PROJECT_REVIEWERS) for _ in range(2)]
    panel = full_panel(3, call, reviewers)
    client.force_login(decider)
    page = client.get(reverse("admin:projects_panel_summary", args=[panel.pk])).text
    # Proposal i gets 20×(1+i) and 20×(2+i) from the two reviewers: 30, 50, 70; the best first.
    assert page.index("평가 과제 2") < page.index("평가 과제 1") < page.index("평가 과제 0")
    assert "70.00" in page and "50.00" in page and "30.00" in page
    export = client.get(reverse("admin:projects_panel_summary_csv", args=[panel.pk]))
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("1,") and "평가 과제 2" in lines[1] and ",70.00," in lines[1]


def test_the_summary_runs_a_constant_number_of_queries(client, decider):
    call = personas.call()
    reviewers = [personas.staff(group=personas.PROJECT_REVIEWERS) for _ in range(2)]
    small, large = full_panel(2, call, reviewers), full_panel(5, call, reviewers)
    client.force_login(decider)

    def count(panel):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:projects_panel_summary", args=[panel.pk])).status_code == 200
        return len(captured)

    assert count(small) == count(large)


def test_the_reviewers_changelist_runs_a_constant_number_of_queries(client, db):
    call = personas.call()
    reviewer = personas.staff(group=personas.PROJECT_REVIEWERS)
    full_panel(2, call, [reviewer])
    client.force_login(reviewer)
    url = reverse("admin:projects_proposal_changelist")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    full_panel(4, call, [reviewer])
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_only_deciders_close_scoring_and_only_once(submitted, two_members, decider):
    panel, first, _second = two_members
    with pytest.raises(PermissionDenied):
        services.panel_close_scoring(panel=panel, by=first)
    services.panel_close_scoring(panel=panel, by=decider)
    with pytest.raises(WorkflowError, match="already"):
        services.panel_close_scoring(panel=panel, by=decider)


def test_panels_take_submitted_proposals_of_their_own_call(proposal, reviewer):
    panel = personas.panel(proposal.call, members=[reviewer])
    with pytest.raises(ValidationError, match="submitted"):
        personas.assign(panel, proposal)  # a draft
    other_call = personas.ready_proposal(personas.call(title="다른 공모"), status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="another call"):
        personas.assign(panel, other_call)


def test_only_reviewers_sit_on_panels(submitted, decider):
    with pytest.raises(ValidationError, match="Project reviewers"):
        personas.panel(submitted.call, members=[decider])


def test_the_standing_of_a_member(panel, submitted, reviewer):
    standing = panels.standing(reviewer, submitted)
    assert standing.visible and not standing.clear
    personas.declare(reviewer, submitted)
    assert panels.standing(reviewer, submitted).clear


def test_nobody_declares_or_scores_before_the_evaluation_starts(submitted, reviewer):
    personas.panel(submitted.call, members=[reviewer], proposals=[submitted], starts=1)
    with pytest.raises(WorkflowError, match="starts on"):
        personas.declare(reviewer, submitted)


def test_a_member_reads_submitted_versions_of_their_proposals_only(client, panel, submitted, reviewer):
    file_url = reverse("my-proposals:submission-file", args=[submitted.pk, 1, 1])
    version_url = reverse("admin:projects_proposal_submission", args=[submitted.pk, 1])
    client.force_login(reviewer)
    assert client.get(file_url).status_code == 404  # not declared yet
    assert client.get(version_url)["Location"] == urls(submitted)["declare"]
    personas.declare(reviewer, submitted)
    assert client.get(file_url).status_code == 200
    assert client.get(version_url).status_code == 200


def test_a_member_reads_the_threads_of_their_proposals_only_after_declaring(client, panel, submitted, reviewer,
                                                                             owner):
    from projects.models import Message

    attachment = personas.pdf("질의.pdf")
    message = services.message_post(proposal=submitted, author=owner, side=Message.Side.APPLICANT,
                                    body="발표 평가 일정이 궁금합니다.", attachment=attachment)
    other = personas.ready_proposal(submitted.call, title="다른 과제", status=S.SUBMITTED)
    elsewhere = services.message_post(proposal=other, author=personas.member(other.lead, "owner"),
                                      side=Message.Side.APPLICANT, body="패널 밖의 질문입니다.")
    thread = reverse("admin:projects_proposal_messages", args=[submitted.pk])
    change = reverse("admin:projects_message_change", args=[message.pk])
    file_url = reverse("my-proposals:message-attachment", args=[submitted.pk, message.pk])
    client.force_login(reviewer)
    assert client.get(thread)["Location"] == urls(submitted)["declare"]
    assert client.get(change).status_code == 404 and client.get(file_url).status_code == 404
    personas.declare(reviewer, submitted)
    assert "발표 평가 일정이 궁금합니다." in client.get(thread).text
    assert client.get(change).status_code == 200 and client.get(file_url).status_code == 200
    listing = client.get(reverse("admin:projects_message_changelist")).text
    assert "발표 평가" in listing or submitted.title in listing
    assert other.title not in listing
    assert client.get(reverse("admin:projects_proposal_messages", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:projects_message_change", args=[elsewhere.pk])).status_code == 404


# --- the stored average score (issue 19: Proposal.average_score, kept by the review services) -------------------


def stored_average(proposal):
    return Proposal.objects.values_list("average_score", flat=True).get(pk=proposal.pk)


def test_the_stored_average_follows_submissions_reopening_and_conflicts(submitted, two_members):
    _panel, chair, second = two_members
    services.review_save(proposal=submitted, reviewer=chair, scores=scores(submitted, 4))
    assert stored_average(submitted) is None  # a draft does not count
    services.review_save(proposal=submitted, reviewer=chair, scores=scores(submitted, 4), submit=True)
    assert stored_average(submitted) == 4.0
    services.review_save(proposal=submitted, reviewer=second, scores=scores(submitted, 2), submit=True)
    assert stored_average(submitted) == 3.0
    services.review_reopen(review=Review.objects.get(reviewer=second), by=chair, reason="점수 입력 착오")
    assert stored_average(submitted) == 4.0  # the reopened review counts again once submitted again
    services.conflict_declare(proposal=submitted, reviewer=chair, ground=G.OTHER, reason="공동연구 이력")
    assert stored_average(submitted) is None
    assert Proposal.objects.filter(pk=submitted.pk).average_scores() == {submitted.pk: None}


def test_the_stored_average_is_the_rule_of_average_scores(submitted, two_members):
    _panel, chair, second = two_members
    for person, value in ((chair, 5), (second, 2)):
        services.review_save(proposal=submitted, reviewer=person, scores=scores(submitted, value), submit=True)
    assert Proposal.objects.filter(pk=submitted.pk).average_scores() == {submitted.pk: stored_average(submitted)}


def test_the_admin_sorts_by_the_stored_average(client, submitted, two_members, decider, call, lead_org):
    _panel, chair, _second = two_members
    services.review_save(proposal=submitted, reviewer=chair, scores=scores(submitted, 5), submit=True)
    unscored = personas.ready_proposal(call, lead=lead_org, title="심사 전 과제")
    client.force_login(decider)
    url = reverse("admin:projects_proposal_changelist")
    column = "?o=-7"  # the average score, after the checkbox, title, call, lead, lead size, status and funding
    changelist = client.get(url + column).context["cl"]
    assert {p.pk: p.shown_average for p in changelist.result_list} == {unscored.pk: None, submitted.pk: 5.0}
    assert 'ORDER BY "projects_proposal"."average_score" DESC' in str(changelist.queryset.values("pk").query)


def test_the_admin_sorts_only_by_the_columns_its_headers_offer(client, decider):
    client.force_login(decider)
    url = reverse("admin:projects_proposal_changelist")
    # The lead's size (the fifth column) has a filter, not a sort: an index sorts the offered columns only.
    by_size = client.get(url + "?o=-4").context["cl"]
    assert "tier" not in str(by_size.queryset.values("pk").query).split("ORDER BY")[1]
