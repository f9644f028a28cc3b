"""Demo data: the closed call's selected proposals are running projects with reports in every state; idempotent."""

import io
import random

import pytest
from django.utils import timezone

from delivery.models import Project, Report, ReportKPIValue
from projects.models import Call, Proposal

pytestmark = pytest.mark.django_db


def run_seed():
    from delivery import demo as delivery_demo
    from members import demo as members_demo
    from portal import demo as portal_demo
    from projects import demo as projects_demo

    out = io.StringIO()
    for module in (portal_demo, members_demo, projects_demo, delivery_demo):
        module.seed(rng=random.Random(f"7:{module.__name__}"), scale=1, stdout=out)
    return out.getvalue()


def test_the_closed_call_s_selected_proposals_are_running_projects_with_reports_in_every_state():
    run_seed()
    closed = Call.objects.past().get()
    assert set(Project.objects.values_list("proposal_id", flat=True)) == set(
        closed.proposals.filter(status=Proposal.Status.SELECTED).values_list("pk", flat=True))
    assert set(Report.objects.values_list("status", flat=True)) == set(Report.Status.values)
    assert Report.objects.overdue(timezone.localdate()).exists()
    for project in Project.objects.all():
        project.full_clean()
        assert project.participants.exists() and project.kpis.exists() and project.reports.exists()
    submitted = Report.objects.exclude(status=Report.Status.DUE)
    assert ReportKPIValue.objects.filter(report__in=submitted).count() == sum(
        r.project.kpis.count() for r in submitted)


def test_the_demo_is_idempotent():
    run_seed()
    first = list(Project.objects.order_by("pk").values_list("iris_number", "government_funding", "status"))
    assert "already present" in run_seed()
    assert list(Project.objects.order_by("pk").values_list("iris_number", "government_funding", "status")) == first
