"""Submitted versions: every submission keeps a snapshot of what was sent, never changed, and two of them read as a
diff of exactly what changed.

What was decided: the consortium reads the versions as it reads the proposal (the lead's people, owners, managers and
members alike, see every line; a partner's people see the consortium, the totals and the amounts of their own line
only, in the snapshot and in the diff); staff read them in the admin with the proposal's view permission. The
proposal document and its annexes are part of a version: each is kept by the stored name it had (not copied), and
that file stays while a version names it, whatever the proposal does with its document later.
"""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from jobs.models import OutgoingMail
from members.models import Membership, OrganizationFieldChange
from members.models import StatusChange as MembershipChange
from portal.files import sweep_orphans
from projects import revisions, services
from projects.models import KPI, ConsentChange, Participant, StatusChange, Submission, SubmittedFile
from projects.revisions import Change
from tests import personas
from tests.projects.test_save_draft import line

pytestmark = pytest.mark.django_db
EOK = 100_000_000


def sha(content):
    return hashlib.sha256(content).hexdigest()


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def resubmit(proposal, owner, decider, *, changes=None, document=None):
    """Send `proposal` back for changes, save the draft with `changes` applied to its plain data, submit again."""
    services.proposal_request_changes(proposal=proposal, by=decider, note="예산 근거를 보완해 주세요.")
    rows = [line(p.organization, p.role, p.government_funding, p.private_cash, p.private_in_kind, id=p.pk)
            for p in proposal.participants.select_related("organization")]
    kpis = [{"id": k.pk, "indicator": k.indicator, "baseline": k.baseline, "target": k.target, "unit": k.unit}
            for k in proposal.kpis.all()]
    values = {"title": proposal.title, "summary": proposal.summary, "problem": proposal.problem,
              "industry": proposal.industry, "starts_on": proposal.starts_on, "ends_on": proposal.ends_on,
              "ai_areas": list(proposal.ai_areas.all())}
    if changes:
        changes(values, rows, kpis)
    services.proposal_save_draft(proposal=proposal, data=values, participants=rows, kpis=kpis, by=owner,
                                 document=document)
    return services.proposal_submit(proposal=proposal, by=owner)


def more_for_the_lead(values, rows, kpis):
    """The changes the alliance asked for: a clearer title, the lead's line up by 2억 (half of it in cash), the
    productivity target raised."""
    values["title"] = "AI 불량 검출 라인 고도화"
    rows[0]["government_funding"] += 2 * EOK
    rows[0]["private_cash"] += EOK
    rows[0]["private_in_kind"] += EOK
    kpis[0]["target"] = 125


@pytest.fixture
def submitted(proposal, owner):
    services.proposal_submit(proposal=proposal, by=owner)
    return proposal


@pytest.fixture
def resubmitted(submitted, owner, decider):
    return resubmit(submitted, owner, decider, changes=more_for_the_lead)


# --- the snapshot ------------------------------------------------------------------------------------------------


def test_a_submission_stores_what_was_sent(proposal, owner, lead_org, partner_org):
    annex = proposal.annexes.get()
    services.proposal_submit(proposal=proposal, by=owner)
    submission = Submission.objects.get(proposal=proposal)
    start = proposal.starts_on
    assert (submission.number, submission.submitted_by, submission.submitted_at) == (1, owner, proposal.submitted_at)
    assert submission.status_change == StatusChange.objects.get(proposal=proposal, to_status="submitted")
    assert submission.snapshot == {
        "version": 1,
        "proposal": {
            "title": "AI 불량 검출 라인", "summary": "요약", "problem": "문제와 목표",
            "call": {"id": proposal.call_id, "title": proposal.call.title},
            "industry": {"id": proposal.industry_id, "code": "semiconductors", "name_ko": proposal.industry.name_ko,
                         "name_en": proposal.industry.name_en},
            "ai_areas": [{"code": "defect-detection", "name_ko": "불량 검출", "name_en": "Defect detection"}],
            "starts_on": start.isoformat(), "ends_on": (start + datetime.timedelta(days=700)).isoformat(),
            "government_total": 75 * EOK, "private_cash_total": 21 * EOK, "private_in_kind_total": 24 * EOK,
        },
        "participants": [
            {"organization": lead_org.pk, "name": "대형제조", "business_number": lead_org.business_number,
             "group": "large", "role": "lead", "consent": "accepted",
             "government_funding": 30 * EOK, "private_cash": 6 * EOK, "private_in_kind": 24 * EOK},
            {"organization": partner_org.pk, "name": "중소부품", "business_number": partner_org.business_number,
             "group": "sme", "role": "demand_company", "consent": "accepted",
             "government_funding": 45 * EOK, "private_cash": 15 * EOK, "private_in_kind": 0},
        ],
        "kpis": [{"id": proposal.kpis.get().pk, "indicator": "생산성", "baseline": "100.00", "target": "120.00",
                  "unit": "%"}],
        "documents": [
            {"kind": "document", "id": None, "name": proposal.document.name, "original_name": "proposal.pdf",
             "size": 13, "sha256": sha(b"%PDF-1.4 test")},
            {"kind": "annex", "id": annex.pk, "name": annex.file.name, "original_name": "부록.pdf", "size": 14,
             "sha256": sha(b"%PDF-1.4 annex")},
        ],
    }
    files = list(submission.files.values_list("position", "kind", "file", "original_name", "size"))
    assert files == [(1, "document", proposal.document.name, "proposal.pdf", 13),
                     (2, "annex", annex.file.name, "부록.pdf", 14)]


def test_each_submission_gets_the_next_number_and_the_earlier_ones_stay_as_they_were(resubmitted):
    first, second = Submission.objects.filter(proposal=resubmitted)
    assert (first.number, second.number) == (1, 2)
    assert first.snapshot["proposal"]["title"] == "AI 불량 검출 라인"
    assert second.snapshot["proposal"]["title"] == "AI 불량 검출 라인 고도화"
    assert [p["government_funding"] for p in first.snapshot["participants"]] == [30 * EOK, 45 * EOK]
    assert [p["government_funding"] for p in second.snapshot["participants"]] == [32 * EOK, 45 * EOK]


def test_a_refused_submission_records_no_version(proposal, owner):
    KPI.objects.filter(proposal=proposal).delete()
    with pytest.raises(ValidationError):
        services.proposal_submit(proposal=proposal, by=owner)
    assert not Submission.objects.exists() and not SubmittedFile.objects.exists()


def test_other_steps_record_no_version(submitted, decider):
    services.proposal_start_review(proposal=submitted, by=decider)
    assert Submission.objects.count() == 1


# --- immutable ------------------------------------------------------------------------------------------------


def test_a_submitted_version_cannot_be_changed_or_deleted(submitted):
    submission = Submission.objects.get()
    submission.snapshot = {}
    with pytest.raises(ValidationError, match="A submitted version cannot be changed."):
        submission.save()
    with pytest.raises(ValidationError, match="A submitted version cannot be deleted."):
        submission.delete()
    with pytest.raises(ValidationError, match="A submitted version cannot be changed."):
        Submission.objects.filter(pk=submission.pk).update(number=7)
    with pytest.raises(ValidationError, match="A submitted version cannot be deleted."):
        Submission.objects.all().delete()
    document = SubmittedFile.objects.first()
    with pytest.raises(ValidationError, match="A submitted document cannot be changed."):
        document.save()
    with pytest.raises(ValidationError, match="A submitted document cannot be deleted."):
        SubmittedFile.objects.all().delete()
    assert Submission.objects.get().snapshot["proposal"]["title"] == "AI 불량 검출 라인"


@pytest.mark.parametrize("model", [Submission, SubmittedFile])
def test_the_database_refuses_to_rewrite_a_version_too(submitted, model):
    """Below the models' own refusal: SQL that updates a row, as a script or a console might send it."""
    row = model.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET id = id WHERE id = %s", [row.pk])


def test_deleting_the_whole_proposal_takes_its_versions(submitted):
    """Nothing deletes a proposal (the admin refuses), but a cascade from below still may: the guard is on rows."""
    submitted.delete()
    assert not Submission.objects.exists() and not SubmittedFile.objects.exists()


@pytest.mark.parametrize(("history", "changed", "deleted"), [
    (MembershipChange, "The membership history cannot be changed.", "The membership history cannot be deleted."),
    (OrganizationFieldChange, "The history of changes cannot be changed.",
     "The history of changes cannot be deleted."),
    (StatusChange, "The proposal's history cannot be changed.", "The proposal's history cannot be deleted."),
    (ConsentChange, "The confirmation history cannot be changed.", "The confirmation history cannot be deleted."),
])
def test_every_history_is_append_only_with_its_own_message(submitted, lead_org, owner, history, changed, deleted):
    OrganizationFieldChange.objects.create(organization=lead_org, by=owner, field="website", new_value="x")
    ConsentChange.objects.create(proposal=submitted, organization=lead_org, to_state="accepted", by=owner)
    row = history.objects.first()
    with pytest.raises(ValidationError, match=changed):
        row.save()
    with pytest.raises(ValidationError, match=deleted):
        row.delete()


# --- the diff --------------------------------------------------------------------------------------------------

ORG_LEAD, ORG_SME, ORG_NEW = 11, 12, 13


def snapshot(**overrides):
    """A known snapshot, written out: the first of the two below."""
    base = {
        "version": 1,
        "proposal": {
            "title": "도장 라인 AI 불량 검출", "summary": "도장 불량을 줄입니다.", "problem": "숙련 인력 부족",
            "call": {"id": 1, "title": "2026년 1차 공모"},
            "industry": {"id": 2, "code": "automotive", "name_ko": "자동차", "name_en": "Automotive"},
            "ai_areas": [{"code": "defect-detection", "name_ko": "불량 검출", "name_en": "Defect detection"}],
            "starts_on": "2026-07-01", "ends_on": "2028-06-30",
            "government_total": 50 * EOK, "private_cash_total": 10 * EOK, "private_in_kind_total": 30 * EOK,
        },
        "participants": [
            {"organization": ORG_LEAD, "name": "한빛자동차", "business_number": "1018100001", "group": "large",
             "role": "lead", "consent": "accepted",
             "government_funding": 20 * EOK, "private_cash": 5 * EOK, "private_in_kind": 15 * EOK},
            {"organization": ORG_SME, "name": "새봄도장", "business_number": "1018100002", "group": "sme",
             "role": "demand_company", "consent": "accepted",
             "government_funding": 30 * EOK, "private_cash": 5 * EOK, "private_in_kind": 15 * EOK},
        ],
        "kpis": [
            {"id": 1, "indicator": "불량률", "baseline": "3.20", "target": "1.50", "unit": "%"},
            {"id": 2, "indicator": "리드타임", "baseline": "14.00", "target": "10.00", "unit": "일"},
        ],
        "documents": [
            {"kind": "document", "id": None, "name": "private/proposals/a.pdf", "original_name": "사업계획서.pdf",
             "size": 100, "sha256": "a" * 64},
            {"kind": "annex", "id": 5, "name": "private/proposal-annexes/b.pdf", "original_name": "예산 근거.pdf",
             "size": 50, "sha256": "b" * 64},
        ],
    }
    for section, values in overrides.items():
        base[section] = values
    return base


def second():
    """The second submission: what the changes-requested loop made of the first."""
    return snapshot(
        proposal={
            "title": "도장 라인 AI 불량 검출 고도화", "summary": "도장 불량을 줄입니다.", "problem": "숙련 인력 부족",
            "call": {"id": 1, "title": "2026년 1차 공모"},
            "industry": {"id": 2, "code": "automotive", "name_ko": "자동차", "name_en": "Automotive"},
            "ai_areas": [
                {"code": "defect-detection", "name_ko": "불량 검출", "name_en": "Defect detection"},
                {"code": "process-optimisation", "name_ko": "공정 최적화", "name_en": "Process optimisation"},
            ],
            "starts_on": "2026-07-01", "ends_on": "2028-12-31",
            "government_total": 52 * EOK, "private_cash_total": 11 * EOK, "private_in_kind_total": 30 * EOK,
        },
        participants=[
            {"organization": ORG_LEAD, "name": "한빛자동차", "business_number": "1018100001", "group": "large",
             "role": "lead", "consent": "accepted",
             "government_funding": 18 * EOK, "private_cash": 5 * EOK, "private_in_kind": 15 * EOK},
            {"organization": ORG_NEW, "name": "가온연구소", "business_number": "1018200003", "group": "institution",
             "role": "research_partner", "consent": "accepted",
             "government_funding": 4 * EOK, "private_cash": 0, "private_in_kind": 0},
            {"organization": ORG_SME, "name": "새봄도장", "business_number": "1018100002", "group": "sme",
             "role": "technology_supplier", "consent": "accepted",
             "government_funding": 30 * EOK, "private_cash": 6 * EOK, "private_in_kind": 15 * EOK},
        ],
        kpis=[
            {"id": 1, "indicator": "불량률", "baseline": "3.2", "target": "1.00", "unit": "%"},
            {"id": 3, "indicator": "설비 가동률", "baseline": "82.00", "target": "92.00", "unit": "%"},
        ],
        documents=[
            {"kind": "document", "id": None, "name": "private/proposals/c.pdf", "original_name": "사업계획서.pdf",
             "size": 120, "sha256": "c" * 64},
            {"kind": "annex", "id": 6, "name": "private/proposal-annexes/d.pdf",
             "original_name": "현장 데이터 계획.pdf", "size": 70, "sha256": "d" * 64},
        ],
    )


def test_the_diff_of_two_known_submissions_is_exactly_what_changed():
    assert revisions.diff(snapshot(), second()) == [
        Change("field", "Title", "도장 라인 AI 불량 검출", "도장 라인 AI 불량 검출 고도화"),
        Change("field", "AI application areas", "Defect detection", "Defect detection, Process optimisation"),
        Change("field", "Planned end", "June 30, 2028", "Dec. 31, 2028"),
        Change("field", "Total government funding", "KRW 5 billion", "KRW 5.2 billion"),
        Change("field", "Total private cash", "KRW 1 billion", "KRW 1.1 billion"),
        Change("amount", "한빛자동차: Government funding", "KRW 2 billion", "KRW 1.8 billion", ORG_LEAD),
        Change("partner_added", "Partner added: 가온연구소", "—", "Research partner", ORG_NEW),
        Change("amount", "가온연구소: Government funding", "—", "KRW 400 million", ORG_NEW),
        Change("role", "새봄도장: Role", "Demand company", "Technology supplier", ORG_SME),
        Change("amount", "새봄도장: Private cash", "KRW 500 million", "KRW 600 million", ORG_SME),
        Change("kpi", "KPI: 불량률", "3.2 → 1.5 %", "3.2 → 1 %"),
        Change("kpi_added", "KPI added: 설비 가동률", "—", "82 → 92 %"),
        Change("kpi_removed", "KPI removed: 리드타임", "14 → 10 일", "—"),
        Change("document", "Proposal document", "사업계획서.pdf", "사업계획서.pdf (a new version)"),
        Change("annex_added", "Annex added", "—", "현장 데이터 계획.pdf"),
        Change("annex_removed", "Annex removed", "예산 근거.pdf", "—"),
    ]


def test_the_diff_reads_in_korean_first():
    from django.utils import translation

    with translation.override("ko"):
        changes = revisions.diff(snapshot(), second())
        amount = next(c for c in changes if c.kind == "amount")
        assert (amount.old, amount.new) == ("20억 원", "18억 원")
        assert amount.exact == ("2,000,000,000원", "1,800,000,000원")  # for the title, in the page's language
    assert changes[2].old == "2028년 6월 30일"
    assert changes[1].new == "불량 검출, 공정 최적화"


def test_a_removed_partner_is_shown_with_the_line_it_took_away():
    after = snapshot(participants=snapshot()["participants"][:1])
    assert revisions.diff(snapshot(), after) == [
        Change("partner_removed", "Partner removed: 새봄도장", "Demand company", "—", ORG_SME),
        Change("amount", "새봄도장: Government funding", "KRW 3 billion", "—", ORG_SME),
        Change("amount", "새봄도장: Private cash", "KRW 500 million", "—", ORG_SME),
        Change("amount", "새봄도장: Private in kind", "KRW 1.5 billion", "—", ORG_SME),
    ]


def test_two_identical_submissions_have_no_diff():
    assert revisions.diff(snapshot(), snapshot()) == []


def test_a_kpi_deleted_and_written_again_is_matched_by_its_indicator():
    kpis = [{**snapshot()["kpis"][0], "id": 9}, snapshot()["kpis"][1]]
    assert revisions.diff(snapshot(), snapshot(kpis=kpis)) == []


def test_a_partner_reads_the_diff_with_the_amounts_of_its_own_line_only():
    changes = revisions.for_organization(revisions.diff(snapshot(), second()), ORG_SME)
    amounts = [c.label for c in changes if c.kind == "amount"]
    assert amounts == ["새봄도장: Private cash"]
    assert "Partner added: 가온연구소" in [c.label for c in changes]  # the members are shared, their figures not
    assert "Total government funding" in [c.label for c in changes]


# --- documents as submitted ----------------------------------------------------------------------------------


def test_the_first_version_s_document_still_downloads_after_the_document_is_replaced(
    submitted, owner, decider, client, django_capture_on_commit_callbacks,
):
    old_name = submitted.document.name
    new_pdf = SimpleUploadedFile("새 계획서.pdf", personas.PDF_BYTES, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        resubmit(submitted, owner, decider, document=new_pdf)
    submitted.refresh_from_db()
    assert submitted.document.name != old_name
    assert submitted.document.storage.exists(old_name)  # the replaced file stays: version 1 names it
    client.force_login(owner)
    first = client.get(reverse("my-proposals:submission-file", args=[submitted.pk, 1, 1]))
    second_version = client.get(reverse("my-proposals:submission-file", args=[submitted.pk, 2, 1]))
    assert body(first) == b"%PDF-1.4 test"
    assert "proposal.pdf" in first["Content-Disposition"]
    assert body(second_version) == personas.PDF_BYTES
    diff = revisions.diff(*[s.snapshot for s in Submission.objects.filter(proposal=submitted)])
    assert diff == [Change("document", "Proposal document", "proposal.pdf", "새 계획서.pdf")]


def test_an_annex_removed_after_submission_still_downloads_from_the_version(
    submitted, owner, decider, client, django_capture_on_commit_callbacks,
):
    services.proposal_request_changes(proposal=submitted, by=decider, note="부록을 정리해 주세요.")
    annex = submitted.annexes.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.annex_delete(annex=annex, by=owner)
    assert annex.file.storage.exists(annex.file.name)
    client.force_login(owner)
    response = client.get(reverse("my-proposals:submission-file", args=[submitted.pk, 1, 2]))
    assert body(response) == b"%PDF-1.4 annex"


def test_a_file_no_version_names_still_goes_when_replaced(proposal, owner, django_capture_on_commit_callbacks):
    """The draft's document before any submission is no record: replacing it deletes it, as before."""
    old_name = proposal.document.name
    new_pdf = SimpleUploadedFile("새 계획서.pdf", personas.PDF_BYTES, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_keep_document(proposal=proposal, document=new_pdf, by=owner)
    assert not proposal.document.storage.exists(old_name)


def test_the_orphan_sweep_keeps_the_files_versions_name(submitted, owner, decider, django_capture_on_commit_callbacks):
    old_name = submitted.document.name
    new_pdf = SimpleUploadedFile("새 계획서.pdf", personas.PDF_BYTES, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        resubmit(submitted, owner, decider, document=new_pdf)
    swept = sweep_orphans(older_than=datetime.timedelta(0), delete=True)
    assert old_name not in swept.stored
    assert submitted.document.storage.exists(old_name)


# --- pages -----------------------------------------------------------------------------------------------------


def urls(proposal):
    return {
        "list": reverse("my-proposals:submissions", args=[proposal.pk]),
        "detail": reverse("my-proposals:submission", args=[proposal.pk, 2]),
        "file": reverse("my-proposals:submission-file", args=[proposal.pk, 1, 1]),
    }


@pytest.mark.parametrize(("persona", "expected"), [
    ("owner", {"list": 200, "detail": 200, "file": 200}),
    ("manager", {"list": 200, "detail": 200, "file": 200}),
    ("lead_member", {"list": 200, "detail": 200, "file": 200}),
    ("partner_person", {"list": 200, "detail": 200, "file": 200}),
    ("outsider", {"list": 404, "detail": 404, "file": 404}),
    # Staff read the versions in the admin; deciders may download the documents, a reviewer only those of the
    # proposals of their panels (tests/projects/test_panels.py): this one sits on none.
    ("reviewer", {"list": 404, "detail": 404, "file": 404}),
    ("decider", {"list": 404, "detail": 404, "file": 200}),
])
def test_who_may_open_the_versions(client, resubmitted, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    got = {name: client.get(url).status_code for name, url in urls(resubmitted).items()}
    assert got == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, resubmitted):
    for url in urls(resubmitted).values():
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_version_that_does_not_exist_is_404(client, resubmitted, owner):
    client.force_login(owner)
    assert client.get(reverse("my-proposals:submission", args=[resubmitted.pk, 3])).status_code == 404
    assert client.get(reverse("my-proposals:submission-file", args=[resubmitted.pk, 1, 9])).status_code == 404


def test_the_lead_sees_what_changed_with_every_line(client, resubmitted, owner):
    client.force_login(owner)
    page = client.get(reverse("my-proposals:submission", args=[resubmitted.pk, 2])).text
    assert "From submission 1 to submission 2" in page
    assert "AI 불량 검출 라인 고도화" in page and "KRW 3 billion" in page and "KRW 3.2 billion" in page
    assert "KPI: 생산성" in page and "100 → 125 %" in page


def test_a_partner_sees_what_changed_without_the_lead_s_figures(client, resubmitted, partner_person):
    client.force_login(partner_person)
    page = client.get(reverse("my-proposals:submission", args=[resubmitted.pk, 2])).text
    assert "AI 불량 검출 라인 고도화" in page and "KPI: 생산성" in page
    assert "대형제조: Government funding" not in page and "KRW 3.2 billion" not in page
    assert "KRW 4.5 billion" in page  # its own line, in the version's consortium table


def test_the_first_version_has_nothing_to_compare_with_and_another_may_be_chosen(client, resubmitted, owner):
    client.force_login(owner)
    first = client.get(reverse("my-proposals:submission", args=[resubmitted.pk, 1])).text
    assert "This is the first submission" in first
    against = client.get(reverse("my-proposals:submission", args=[resubmitted.pk, 1]) + "?against=2").text
    assert "From submission 2 to submission 1" in against and "AI 불량 검출 라인 고도화" in against
    unknown = client.get(reverse("my-proposals:submission", args=[resubmitted.pk, 2]) + "?against=9").text
    assert "From submission 1 to submission 2" in unknown  # a number that is no submission: the one before


def test_the_list_counts_the_changes_of_each_version(client, resubmitted, owner):
    client.force_login(owner)
    page = client.get(reverse("my-proposals:submissions", args=[resubmitted.pk])).text
    assert "First submission" in page and "8 changes" in page  # title, 3 totals, the lead's 3 amounts, a KPI


def test_the_proposal_s_timeline_links_each_submission_to_its_version(client, resubmitted, owner):
    client.force_login(owner)
    page = client.get(reverse("my-proposals:detail", args=[resubmitted.pk])).text
    for number in (1, 2):
        assert reverse("my-proposals:submission", args=[resubmitted.pk, number]) in page
    assert reverse("my-proposals:submissions", args=[resubmitted.pk]) in page


def test_the_list_costs_the_same_queries_for_two_or_five_versions(client, submitted, owner, decider,
                                                                  django_assert_num_queries):
    client.force_login(owner)
    resubmit(submitted, owner, decider, changes=more_for_the_lead)
    url = reverse("my-proposals:submissions", args=[submitted.pk])
    client.get(url)
    with django_assert_num_queries(5):  # session, user, membership, proposal, versions
        assert client.get(url).status_code == 200
    for _ in range(3):
        resubmit(submitted, owner, decider)
    assert Submission.objects.filter(proposal=submitted).count() == 5
    with django_assert_num_queries(5):
        client.get(url)


# --- mail -----------------------------------------------------------------------------------------------------


def test_the_request_for_changes_links_to_the_version_and_the_resubmission_to_what_changed(submitted, owner, decider):
    services.proposal_request_changes(proposal=submitted, by=decider, note="보완해 주세요.")
    asked = OutgoingMail.objects.order_by("-pk").first()
    assert reverse("my-proposals:submission", args=[submitted.pk, 1]) in asked.body
    services.proposal_submit(proposal=submitted, by=owner)
    sent = OutgoingMail.objects.order_by("-pk").first()
    assert reverse("my-proposals:submission", args=[submitted.pk, 2]) in sent.body


def test_a_first_submission_s_mail_has_no_link_to_a_diff(proposal, owner):
    services.proposal_submit(proposal=proposal, by=owner)
    assert "/submissions/" not in OutgoingMail.objects.get().body


# --- the admin ------------------------------------------------------------------------------------------------


def test_staff_read_the_same_diff_in_the_admin(client, resubmitted, decider):
    client.force_login(decider)
    change = client.get(reverse("admin:projects_proposal_change", args=[resubmitted.pk])).text
    url = reverse("admin:projects_proposal_submission", args=[resubmitted.pk, 2])
    assert url in change
    page = client.get(url).text
    assert "From submission 1 to submission 2" in page and "대형제조: Government funding" in page
    assert reverse("my-proposals:submission-file", args=[resubmitted.pk, 2, 1]) in page


def test_staff_without_the_view_permission_are_refused_in_the_admin(client, resubmitted):
    editor = personas.staff("editor@ministry.example", group=personas.NEWS_EDITORS)
    client.force_login(editor)
    assert client.get(reverse("admin:projects_proposal_submission", args=[resubmitted.pk, 2])).status_code == 403


def test_a_partner_s_plain_member_reads_too(client, resubmitted, partner_org):
    member = personas.member(partner_org, Membership.Role.MEMBER, "member@partner.example")
    client.force_login(member)
    assert client.get(reverse("my-proposals:submission", args=[resubmitted.pk, 2])).status_code == 200


def test_a_line_declined_after_submission_is_shown_as_such(resubmitted):
    Participant.objects.filter(proposal=resubmitted).exclude(role="lead").update(consent="declined")
    before = Submission.objects.get(proposal=resubmitted, number=2).snapshot
    after = {**before, "participants": [{**p, "consent": "declined"} if p["role"] != "lead" else p
                                        for p in before["participants"]]}
    (change,) = revisions.diff(before, after)
    assert (change.kind, change.old, change.new) == ("consent", "Confirmed", "Declined")
