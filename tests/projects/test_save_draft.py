"""proposal_save_draft: a draft with its consortium and KPIs, saved from plain data and checked again."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.models import Organization
from portal.workflow import WorkflowError
from projects import services
from projects.models import AIArea, Participant, Proposal
from tests.projects import factories as f


def data(call):
    start = call.opens_at.date() + datetime.timedelta(days=30)
    return {
        "title": "AI 예지보전", "summary": "요약", "problem": "문제", "industry": f.industry(),
        "starts_on": start, "ends_on": start + datetime.timedelta(days=365),
        "ai_areas": list(AIArea.objects.filter(code="defect-detection")),
    }


def line(org, role, gov, cash, in_kind=0, **extra):
    return {"organization": org, "role": role, "government_funding": gov, "private_cash": cash,
            "private_in_kind": in_kind, **extra}


KPI_ROW = {"indicator": "생산성", "baseline": 100, "target": 120, "unit": "%"}


def test_a_new_draft_is_saved_from_plain_data_with_totals_from_its_rows(call, lead_org, partner_org, owner):
    proposal = services.proposal_save_draft(
        call=call, lead=lead_org, data=data(call), by=owner, kpis=[KPI_ROW],
        participants=[line(lead_org, "lead", 100, 100), line(partner_org, "demand_company", 300, 100)],
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT and proposal.created_by == owner
    assert (proposal.government_total, proposal.private_cash_total) == (400, 200)
    assert proposal.kpis.get().indicator == "생산성"
    assert list(proposal.ai_areas.values_list("code", flat=True)) == ["defect-detection"]


def test_rows_are_changed_and_deleted_by_their_ids(proposal, owner, partner_org):
    lead_row, partner_row = proposal.participants.order_by("pk")
    rows = [
        {"id": lead_row.pk, **line(lead_row.organization, "lead", 100, 100)},
        {"id": partner_row.pk, "delete": True, **line(partner_org, "demand_company", 0, 0)},
    ]
    services.proposal_save_draft(proposal=proposal, data=data(proposal.call), participants=rows, kpis=[], by=owner)
    assert list(proposal.participants.values_list("government_funding", flat=True)) == [100]
    proposal.refresh_from_db()
    assert proposal.government_total == 100


def test_the_service_refuses_a_plain_member(call, lead_org, lead_member):
    with pytest.raises(PermissionDenied):
        services.proposal_save_draft(call=call, lead=lead_org, data=data(call), participants=[], kpis=[],
                                     by=lead_member)
    assert not Proposal.objects.exists()


def test_the_service_checks_the_consortium_rules_again(call, lead_org, owner):
    pending = f.organization("대기회사", status=Organization.Status.PENDING)
    with pytest.raises(ValidationError, match="not an approved member"):
        services.proposal_save_draft(
            call=call, lead=lead_org, data=data(call), by=owner, kpis=[],
            participants=[line(lead_org, "lead", 100, 100), line(pending, "demand_company", 100, 100)],
        )
    assert not Participant.objects.exists()


def test_the_service_checks_each_line_again(call, lead_org, owner):
    with pytest.raises(ValidationError):  # a large enterprise's government share is at most 50 %
        services.proposal_save_draft(call=call, lead=lead_org, data=data(call), by=owner, kpis=[],
                                     participants=[line(lead_org, "lead", 900, 100)])
    assert not Proposal.objects.exists()


def test_a_submitted_proposal_is_no_longer_saved(proposal, owner):
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.SUBMITTED)
    with pytest.raises(WorkflowError):
        services.proposal_save_draft(proposal=proposal, data=data(proposal.call), participants=[], kpis=[], by=owner)


def test_forms_import_nothing_from_the_services():
    import ast
    import inspect

    from projects import forms

    tree = ast.parse(inspect.getsource(forms))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(name.endswith("services") for name in imported)


def test_a_row_of_another_proposal_cannot_be_named(proposal, owner, call, other_org):
    stranger = f.proposal(call, other_org)
    foreign = f.participant(stranger, other_org, Participant.Role.LEAD)
    rows = [{"id": foreign.pk, **line(proposal.lead, "lead", 1, 1)}]
    with pytest.raises(ValidationError):
        services.proposal_save_draft(proposal=proposal, data=data(call), participants=rows, kpis=[], by=owner)
    foreign.refresh_from_db()
    assert foreign.government_funding == 0


def pdf_upload(name="새제안서.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 new", content_type="application/pdf")


def rows_of(proposal):
    fields = services.PARTICIPANT_FIELDS
    return [{"id": p.pk, **{name: getattr(p, name) for name in fields}} for p in proposal.participants.all()]


def test_a_new_document_replaces_the_old_one_once_the_save_commits(
    proposal, owner, django_capture_on_commit_callbacks
):
    old = proposal.document.name
    storage = proposal.document.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_save_draft(proposal=proposal, data=data(proposal.call), participants=rows_of(proposal),
                                     kpis=[], document=pdf_upload(), by=owner)
    proposal.refresh_from_db()
    assert proposal.document_name == "새제안서.pdf" and proposal.document.name != old
    assert storage.exists(proposal.document.name) and not storage.exists(old)


def test_a_refused_save_keeps_the_old_document_and_stores_no_new_file(proposal, owner, other_org):
    pending = f.organization("대기회사", status=Organization.Status.PENDING)
    old = proposal.document.name
    storage = proposal.document.storage
    before = set(storage.listdir("private/proposals")[1])
    with pytest.raises(ValidationError):
        services.proposal_save_draft(
            proposal=proposal, data=data(proposal.call), kpis=[], document=pdf_upload(), by=owner,
            participants=[*rows_of(proposal), line(pending, "research_partner", 0, 0)],
        )
    proposal.refresh_from_db()
    assert proposal.document.name == old and storage.exists(old)
    assert set(storage.listdir("private/proposals")[1]) == before
