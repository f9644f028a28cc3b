"""Progress reports: the lead writes and submits with every KPI's value, partners add their part, staff accept or
send back (history, mails); KPI progress reads the latest accepted values; the public page shows public KPIs only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from delivery import progress, services
from delivery.models import Report
from jobs.models import OutgoingMail
from tests import personas


def first_report(project):
    return project.reports.order_by("due_on").first()


def write(report, by, value="110", narrative="1차년도 진행"):
    kpi = report.project.kpis.get()
    return services.report_save(report=report, by=by, narrative=narrative, values={kpi.pk: Decimal(value)})


def test_the_lead_saves_and_submits_a_report_with_every_kpi(project, owner):
    report = write(first_report(project), owner)
    services.report_transition(report=report, action="submit", by=owner)
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.submitted_by == owner
    assert [v.value for v in report.values.all()] == [Decimal("110")]
    assert [h.to_status for h in report.history.all()] == ["submitted"]


def test_a_report_without_a_kpi_value_cannot_be_submitted(project, owner):
    report = services.report_save(report=first_report(project), by=owner, narrative="진행", values={})
    with pytest.raises(ValidationError, match="every KPI"):
        services.report_transition(report=report, action="submit", by=owner)


def test_a_report_without_a_narrative_cannot_be_submitted(project, owner):
    report = write(first_report(project), owner, narrative=" ")
    with pytest.raises(ValidationError, match="narrative"):
        services.report_transition(report=report, action="submit", by=owner)


def test_a_plain_member_and_a_partner_cannot_write_the_report(project, lead_member, partner_person):
    for person in (lead_member, partner_person):
        with pytest.raises(PermissionDenied):
            write(first_report(project), person)


def test_staff_send_back_with_a_note_and_the_lead_resubmits(project, owner, decider):
    report = write(first_report(project), owner)
    services.report_transition(report=report, action="submit", by=owner)
    with pytest.raises(ValidationError, match="note"):
        services.report_transition(report=report, action="request_changes", by=decider)
    services.report_transition(report=report, action="request_changes", by=decider, note="근거 자료 보완")
    mail = OutgoingMail.objects.filter(body__contains="근거 자료 보완").get()
    assert mail.recipients == ["owner@lead.example"]
    write(report, owner, value="112")
    services.report_transition(report=report, action="submit", by=owner)
    services.report_transition(report=report, action="accept", by=decider)
    assert [h.to_status for h in report.history.all()] == ["submitted", "changes_requested", "submitted", "accepted"]


def test_an_accepted_report_cannot_be_changed(project, owner, decider):
    report = write(first_report(project), owner)
    services.report_transition(report=report, action="submit", by=owner)
    services.report_transition(report=report, action="accept", by=decider)
    with pytest.raises(ValidationError, match="no longer"):
        write(report, owner)


def test_the_lead_cannot_accept_its_own_report(project, owner):
    report = write(first_report(project), owner)
    services.report_transition(report=report, action="submit", by=owner)
    with pytest.raises(PermissionDenied):
        services.report_transition(report=report, action="accept", by=owner)


def test_a_partner_writes_its_own_part(project, partner_person, partner_org, owner):
    report = first_report(project)
    services.contribution_save(report=report, by=partner_person, text="부품 검사 데이터 제공")
    services.contribution_save(report=report, by=partner_person, text="부품 검사 데이터 2만 건 제공")
    rows = [(c.organization, c.text) for c in report.contributions.all()]
    assert rows == [(partner_org, "부품 검사 데이터 2만 건 제공")]
    with pytest.raises(PermissionDenied):
        services.contribution_save(report=report, by=owner, text="리드는 보고서 본문에")


def test_kpi_progress_reads_the_latest_accepted_report(project, owner, decider):
    first, second = project.reports.order_by("due_on")[:2]
    for report, value in ((first, "105"), (second, "111")):
        write(report, owner, value=value)
        services.report_transition(report=report, action="submit", by=owner)
    services.report_transition(report=first, action="accept", by=decider)
    [row] = progress.kpi_progress(project)
    assert (row.kpi.baseline, row.latest, row.kpi.target, row.percent) == (100, Decimal("105"), 120, 25)
    services.report_transition(report=second, action="accept", by=decider)
    [row] = progress.kpi_progress(project)
    assert row.latest == Decimal("111") and row.latest_as_of == second.as_of


def test_the_public_page_shows_status_period_and_only_public_kpis(client, project, owner, decider, selected):
    report = write(first_report(project), owner, value="108")
    services.report_transition(report=report, action="submit", by=owner)
    services.report_transition(report=report, action="accept", by=decider)
    url = reverse("projects:project-detail", args=[selected.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "In progress" in page and project.iris_number in page and "생산성" not in page
    services.kpi_set_public(kpi=project.kpis.get(), is_public=True, by=decider)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "생산성" in page and "108" in page and project.ends_on.isoformat() in page


def test_staff_move_a_report_s_dates(project, decider):
    report = first_report(project)
    later = report.due_on + datetime.timedelta(days=20)
    services.report_reschedule(report=report, as_of=report.as_of, due_on=later, by=decider)
    report.refresh_from_db()
    assert report.due_on == later
    with pytest.raises(ValidationError):
        services.report_reschedule(report=report, as_of=later, due_on=report.as_of, by=decider)


def test_overdue_reports_are_on_the_admin_overview(project, decider):
    from stats.overview import overview

    today = first_report(project).due_on + datetime.timedelta(days=1)
    out = overview(decider, now=datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC))
    assert out["reports_overdue"] == 1 and "overdue=yes" in out["reports_overdue_url"]


def test_a_project_of_another_lead_is_not_a_partner_s_to_contribute(project, call, other_org, decider):
    other = personas.running_project(personas.selected_proposal(call, lead=other_org, decider=decider, title="남"),
                                     by=decider)
    person = personas.member(other_org, personas.Membership.Role.OWNER)
    assert services.may_contribute(person, project) is None
    assert services.may_contribute(person, other) is None  # the lead writes the report itself


@pytest.mark.parametrize("size", [1, 4])
def test_the_public_page_of_a_running_project_runs_the_same_queries_whatever_its_kpis(
        client, project, selected, owner, decider, size, django_assert_num_queries):
    from delivery.models import ProjectKPI

    for i in range(size):
        ProjectKPI.objects.create(project=project, indicator=f"지표{i}", baseline=1, target=2, is_public=True)
    url = reverse("projects:project-detail", args=[selected.pk])
    client.get("/")  # the page cache's own reads settle first
    # the proposal's 4 queries, then the project, its public KPIs and their latest accepted values, then the
    # standard models that came from it (spread's part)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
