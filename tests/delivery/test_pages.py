"""The company's project pages (scoped to its organisation, 404 for others), the report form with its document
(downloads leave access records), the partner's part, and the admin: creating a project, actions, overdue filter."""

from decimal import Decimal

import pytest
from django.urls import reverse

from delivery.models import Project, Report
from portal.models import AccessRecord
from tests import personas


def report_url(project, report, name="my-projects:report"):
    return reverse(name, args=[project.pk, report.pk])


def first(project):
    return project.reports.order_by("due_on").first()


def test_the_lead_writes_and_submits_a_report_on_its_page(client, project, owner):
    report = first(project)
    kpi = project.kpis.get()
    client.force_login(owner)
    data = {"narrative": "라인 2곳 적용", f"kpi_{kpi.pk}": "107.5", "document": personas.pdf("보고서.pdf"),
            "action": "submit"}
    response = client.post(report_url(project, report), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.document_name == "보고서.pdf"
    assert report.values.get().value == Decimal("107.50")
    download = client.get(report_url(project, report, "my-projects:report-document"))
    assert download.status_code == 200
    if download.streaming:
        b"".join(download.streaming_content)
    assert AccessRecord.objects.filter(what="document", by=owner).count() == 1


def test_a_report_with_a_missing_value_is_saved_but_not_submitted(client, project, owner):
    report = first(project)
    client.force_login(owner)
    client.post(report_url(project, report), {"narrative": "진행", "action": "submit"})
    report.refresh_from_db()
    assert report.status == Report.Status.DUE and report.narrative == "진행"


def test_a_document_of_the_wrong_kind_is_refused(client, project, owner):
    report = first(project)
    client.force_login(owner)
    page = client.post(report_url(project, report), {
        "narrative": "진행", "document": personas.pdf("보고서.pdf", content=b"not a pdf"), "action": "save"})
    assert page.status_code == 200
    report.refresh_from_db()
    assert not report.document


def test_a_plain_member_reads_but_does_not_get_the_form(client, project, lead_member):
    client.force_login(lead_member)
    page = client.get(report_url(project, first(project)))
    assert page.status_code == 200 and 'name="narrative"' not in page.text
    assert client.post(report_url(project, first(project)), {"narrative": "x"}).status_code == 403


def test_the_partner_writes_its_part(client, project, partner_person, partner_org):
    client.force_login(partner_person)
    report = first(project)
    assert 'name="text"' in client.get(report_url(project, report)).text
    client.post(report_url(project, report, "my-projects:report-contribution"), {"text": "검사 데이터 제공"})
    assert report.contributions.get().organization == partner_org


def test_another_company_s_project_and_report_are_404(client, project, outsider):
    client.force_login(outsider)
    report = first(project)
    for url in (reverse("my-projects:detail", args=[project.pk]), report_url(project, report),
                report_url(project, report, "my-projects:report-document")):
        assert client.get(url).status_code == 404, url
    assert client.post(report_url(project, report), {"narrative": "x"}).status_code == 404
    assert project.pk not in [p.pk for p in client.get(reverse("my-projects:list")).context["projects"]]


def test_a_report_of_another_project_under_this_project_s_address_is_404(client, project, owner, call, lead_org,
                                                                         decider):
    other = personas.running_project(personas.selected_proposal(call, lead=lead_org, decider=decider, title="둘째"),
                                     by=decider)
    client.force_login(owner)
    assert client.get(report_url(project, first(other))).status_code == 404


def test_the_company_s_pages_render(client, project, owner):
    client.force_login(owner)
    for url in (reverse("my-projects:list"), reverse("my-projects:detail", args=[project.pk]),
                report_url(project, first(project))):
        page = client.get(url)
        assert page.status_code == 200 and project.iris_number in page.text, url


def test_the_report_list_takes_the_same_queries_for_one_project_or_several(client, project, owner, call, lead_org,
                                                                          decider, django_assert_num_queries):
    client.force_login(owner)
    url = reverse("my-projects:list")
    client.get(url)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = count()
    for n in range(3):
        personas.running_project(personas.selected_proposal(call, lead=lead_org, decider=decider, title=f"과제 {n}"),
                                 by=decider)
    assert Report.objects.count() > 3 * first(project).project.reports.count()
    with django_assert_num_queries(one):
        client.get(url)


# --- the admin ---------------------------------------------------------------------------------------------------


def test_staff_create_a_project_in_the_admin(client, selected, decider):
    client.force_login(decider)
    add = reverse("admin:delivery_project_add")
    page = client.get(add)
    assert page.status_code == 200 and selected.title in page.text
    data = {
        "proposal": selected.pk, "iris_number": "RS-2026-00412345", "agreed_on": selected.starts_on.isoformat(),
        "starts_on": selected.starts_on.isoformat(), "ends_on": selected.ends_on.isoformat(),
        "government_funding": str(selected.call.funding_cap + 1), "private_contribution": "10억",
    }
    page = client.post(add, data)
    assert page.status_code == 200 and not Project.objects.exists()
    data["government_funding"] = str(selected.call.funding_cap)
    assert client.post(add, data).status_code == 302
    project = Project.objects.get()
    assert project.government_funding == selected.call.funding_cap and project.private_contribution == 10 ** 9
    assert project.reports.exists() and project.participants.count() == 2


def test_staff_mark_a_kpi_public_and_move_a_due_date_in_the_admin(client, project, decider):
    client.force_login(decider)
    url = reverse("admin:delivery_project_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    kpi = project.kpis.get()
    reports = list(project.reports.order_by("due_on", "pk"))
    data = {
        "kpis-TOTAL_FORMS": "1", "kpis-INITIAL_FORMS": "1", "kpis-MIN_NUM_FORMS": "0", "kpis-MAX_NUM_FORMS": "1000",
        "kpis-0-id": kpi.pk, "kpis-0-project": project.pk, "kpis-0-is_public": "on",
        "reports-TOTAL_FORMS": str(len(reports)), "reports-INITIAL_FORMS": str(len(reports)),
        "reports-MIN_NUM_FORMS": "0", "reports-MAX_NUM_FORMS": "1000",
    }
    for prefix, rows in (("participants", project.participants.all()), ("history", project.history.all())):
        data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(len(rows)),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
        data.update({f"{prefix}-{i}-id": row.pk for i, row in enumerate(rows)})
    for i, report in enumerate(reports):
        due = report.due_on.replace(day=28) if i == 0 else report.due_on
        data.update({f"reports-{i}-id": report.pk, f"reports-{i}-project": project.pk,
                     f"reports-{i}-as_of": report.as_of.isoformat(), f"reports-{i}-due_on": due.isoformat()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    kpi.refresh_from_db()
    assert kpi.is_public and project.reports.order_by("due_on", "pk").first().due_on.day == 28


def test_staff_accept_a_report_with_the_admin_action(client, project, owner, decider):
    from delivery import services

    report = first(project)
    services.report_save(report=report, by=owner, narrative="진행", values={project.kpis.get().pk: Decimal(101)})
    services.report_transition(report=report, action="submit", by=owner)
    client.force_login(decider)
    changelist = reverse("admin:delivery_report_changelist")
    client.post(changelist, {"action": "accept", "_selected_action": [report.pk], "post": "yes", "note": ""})
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert client.get(changelist + "?overdue=yes").status_code == 200


@pytest.mark.parametrize("action", ["suspend", "terminate"])
def test_a_project_s_status_step_in_the_admin_needs_a_note(client, project, decider, action):
    client.force_login(decider)
    changelist = reverse("admin:delivery_project_changelist")
    client.post(changelist, {"action": action, "_selected_action": [project.pk], "post": "yes", "note": ""})
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    client.post(changelist, {"action": action, "_selected_action": [project.pk], "post": "yes", "note": "사유"})
    project.refresh_from_db()
    assert project.status == {"suspend": Project.Status.SUSPENDED, "terminate": Project.Status.TERMINATED}[action]
