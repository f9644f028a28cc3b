"""Making a project: only from a selected proposal, funding within the call's cap (exactly the cap, not 1 won more:
service, form and database), IRIS number format and uniqueness, consortium, KPIs and schedule copied."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from delivery import services
from delivery.forms import ProjectCreateForm
from delivery.models import Project, Report
from jobs.models import OutgoingMail
from projects.models import Proposal
from tests import personas


def test_a_project_is_made_from_a_selected_proposal(project, selected, lead_org, partner_org):
    assert project.proposal == selected and project.status == Project.Status.IN_PROGRESS
    assert sorted(p.organization_id for p in project.participants.all()) == sorted([lead_org.pk, partner_org.pk])
    assert [(k.indicator, k.baseline, k.target) for k in project.kpis.all()] == [("생산성", 100, 120)]
    assert project.funding_cap == selected.call.funding_cap
    assert [h.to_status for h in project.history.all()] == [Project.Status.IN_PROGRESS]


@pytest.mark.parametrize("status", [Proposal.Status.UNDER_REVIEW, Proposal.Status.REJECTED, Proposal.Status.DRAFT])
def test_a_proposal_not_selected_is_refused(call, lead_org, decider, status):
    prop = personas.ready_proposal(call, lead=lead_org, status=status)
    with pytest.raises(ValidationError, match="Only a selected proposal"):
        personas.running_project(prop, by=decider)
    assert not Project.objects.exists()


def test_model_clean_refuses_a_proposal_not_selected(call, lead_org):
    prop = personas.ready_proposal(call, lead=lead_org, status=Proposal.Status.UNDER_REVIEW)
    project = Project(proposal=prop, iris_number=personas.iris_number(), agreed_on=prop.starts_on,
                      starts_on=prop.starts_on, ends_on=prop.ends_on, government_funding=1, private_contribution=1)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "proposal" in error.value.message_dict


def test_a_proposal_becomes_one_project_only(project, selected, decider):
    with pytest.raises(ValidationError, match="already a project"):
        personas.running_project(selected, by=decider)


def test_only_project_managers_create(selected, owner):
    with pytest.raises(PermissionDenied):
        personas.running_project(selected, by=owner)


def test_funding_exactly_at_the_cap_is_accepted(call, selected, decider):
    project = personas.running_project(selected, by=decider, government_funding=call.funding_cap)
    assert project.government_funding == call.funding_cap


def test_funding_one_won_above_the_cap_is_refused_by_the_service(call, selected, decider):
    with pytest.raises(ValidationError) as error:
        personas.running_project(selected, by=decider, government_funding=call.funding_cap + 1)
    assert "government_funding" in error.value.message_dict


def _form_data(prop, **fields):
    return {
        "proposal": prop.pk, "iris_number": personas.iris_number(), "agreed_on": prop.starts_on,
        "starts_on": prop.starts_on, "ends_on": prop.ends_on, "government_funding": str(prop.government_total),
        "private_contribution": str(prop.private_total), **fields,
    }


def test_the_form_accepts_the_cap_and_refuses_one_won_more(call, selected):
    assert ProjectCreateForm(_form_data(selected, government_funding=str(call.funding_cap))).is_valid()
    form = ProjectCreateForm(_form_data(selected, government_funding=str(call.funding_cap + 1)))
    assert not form.is_valid() and "government_funding" in form.errors


def test_the_form_offers_selected_proposals_without_a_project(project, call, lead_org, decider):
    other = personas.selected_proposal(call, lead=lead_org, decider=decider, title="두 번째")
    personas.ready_proposal(call, lead=lead_org, status=Proposal.Status.UNDER_REVIEW, title="심사 중")
    assert list(ProjectCreateForm().fields["proposal"].queryset) == [other]


def test_the_database_holds_the_cap(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(government_funding=project.funding_cap + 1)
    Project.objects.filter(pk=project.pk).update(government_funding=project.funding_cap)


def test_the_database_refuses_an_end_before_the_start(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(ends_on=project.starts_on)


@pytest.mark.parametrize("number", ["RS-2024-0041234", "RS-24-00412345", "2024-00412345", "RS-2024-00412345X",
                                    "RS-2024-0041234a", ""])
def test_an_iris_number_out_of_format_is_refused(selected, decider, number):
    with pytest.raises(ValidationError) as error:
        personas.running_project(selected, by=decider, iris_number=number)
    assert "iris_number" in error.value.message_dict


def test_an_iris_number_is_read_in_capitals_and_trimmed(selected, decider):
    project = personas.running_project(selected, by=decider, iris_number=" rs-2024-00412345 ")
    assert project.iris_number == "RS-2024-00412345"


def test_the_database_refuses_an_iris_number_out_of_format(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(iris_number="RS-2024-1")


def test_an_iris_number_is_unique(project, call, lead_org, decider):
    other = personas.selected_proposal(call, lead=lead_org, decider=decider, title="두 번째")
    with pytest.raises(ValidationError) as error:
        personas.running_project(other, by=decider, iris_number=project.iris_number)
    assert "iris_number" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(proposal=other, iris_number=project.iris_number, agreed_on=other.starts_on,
                               starts_on=other.starts_on, ends_on=other.ends_on, government_funding=1,
                               private_contribution=1, funding_cap=project.funding_cap)


def test_the_schedule_follows_the_period():
    start = datetime.date(2026, 3, 1)
    rows = services.schedule(start, datetime.date(2028, 2, 29))
    assert rows == [
        (Report.Kind.INTERIM, datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)),
        (Report.Kind.ANNUAL, datetime.date(2027, 3, 1), datetime.date(2027, 4, 1)),
        (Report.Kind.FINAL, datetime.date(2028, 2, 29), datetime.date(2028, 3, 29)),
    ]


def test_the_schedule_is_made_with_the_project(project):
    kinds = [r.kind for r in project.reports.order_by("due_on")]
    assert kinds[0] == Report.Kind.INTERIM and kinds[-1] == Report.Kind.FINAL
    assert all(r.status == Report.Status.DUE for r in project.reports.all())


def test_status_steps_are_recorded_and_mailed(project, decider):
    services.project_transition(project=project, action="suspend", by=decider, note="현장 점검")
    services.project_transition(project=project, action="resume", by=decider)
    services.project_transition(project=project, action="complete", by=decider)
    assert [h.to_status for h in project.history.all()] == ["in_progress", "suspended", "in_progress", "completed"]
    assert any("현장 점검" in mail.body and mail.recipients == ["owner@lead.example"]
               for mail in OutgoingMail.objects.all())


def test_a_completed_project_cannot_be_suspended(project, decider):
    services.project_transition(project=project, action="complete", by=decider)
    with pytest.raises(ValidationError, match="completed"):
        services.project_transition(project=project, action="suspend", by=decider, note="x")
