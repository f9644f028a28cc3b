"""Every CSV download is written by portal.csv: UTF-8 with a BOM, headers in the visitor's language,
numbers as numbers, Seoul time, and no cell a spreadsheet would run as a formula."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Organization
from portal.csv import cell
from projects.models import Proposal
from tests import personas
from tests.projects import factories as f

pytestmark = pytest.mark.django_db

EVIL_NAME = '=HYPERLINK("http://evil.example","x")'
PROPOSALS_EXPORT = "/admin/projects/proposal/export.csv"


def rows_of(response):
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # so that Excel reads the Korean text as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def staff(client):
    """Ministry staff who may read memberships and every proposal (a decider: a reviewer reads only the proposals of
    their panels), signed in with MFA."""
    client.force_login(personas.staff(
        "reader@ministry.example", group=[personas.MEMBERSHIP_READERS, personas.PROJECT_DECIDERS]))
    return client


# --- the helper ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [EVIL_NAME, "+82 2 123", "-1+1", "@SUM(A1:A9)", "\tcmd", "\rcmd"])
def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(text):
    assert cell(text) == "'" + text


def test_other_text_is_left_alone():
    assert [cell(t) for t in ["한빛정밀", "a=b", "", " =x"]] == ["한빛정밀", "a=b", "", " =x"]


def test_numbers_stay_numbers_even_when_negative():
    assert [cell(-5), cell(Decimal("-1.50")), cell(2.5), cell(0)] == [-5, Decimal("-1.50"), 2.5, 0]


def test_times_are_written_in_seoul_time_whatever_the_active_time_zone():
    moment = datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC)
    with timezone.override("UTC"):
        assert cell(moment) == "2026-03-02 00:30"
    assert cell(datetime.date(2026, 3, 2)) == "2026-03-02" and cell(None) == ""


# --- the members export -------------------------------------------------------------------------


def test_members_export_neutralises_a_formula_in_an_organisation_name(staff):
    f.organization(EVIL_NAME)
    rows = rows_of(staff.get(reverse("admin:members_organization_export")))
    assert rows[0][0] == "이름(국문)"  # Korean headers by default
    assert [r[0] for r in rows[1:]] == ["'" + EVIL_NAME]


def test_members_export_keeps_numbers_as_numbers(staff):
    org = f.organization("가람정밀")
    Organization.objects.filter(pk=org.pk).update(employees=120, annual_revenue=3_000_000_000)
    header, row = rows_of(staff.get(reverse("admin:members_organization_export")))
    assert row[header.index("임직원 수")] == "120"
    assert row[header.index("연 매출액(원)")] == "3000000000"


# --- the proposals export -----------------------------------------------------------------------


@pytest.fixture
def proposals():
    call = f.call()
    return {title: f.ready_proposal(call, title=title, status=status) for title, status in [
        ("@SUM(A1)", Proposal.Status.SUBMITTED), ("+검출 라인", Proposal.Status.SUBMITTED),
        ("-예지 보전", Proposal.Status.UNDER_REVIEW),
    ]}


def test_proposals_export_neutralises_titles_that_start_like_a_formula(staff, proposals):
    header, *rows = rows_of(staff.get(PROPOSALS_EXPORT))
    title = header.index("제목")
    assert sorted(r[title] for r in rows) == ["'+검출 라인", "'-예지 보전", "'@SUM(A1)"]


def test_proposals_export_keeps_amounts_as_numbers(staff, proposals):
    header, *rows = rows_of(staff.get(PROPOSALS_EXPORT))
    assert {r[header.index("정부지원금 (원)")] for r in rows} == {"7500000000"}


def test_proposals_export_follows_the_list_s_status_filter(staff, proposals):
    header, *rows = rows_of(staff.get(PROPOSALS_EXPORT, {"status__exact": "under_review"}))
    assert [r[header.index("제목")] for r in rows] == ["'-예지 보전"]


def test_proposals_export_follows_the_list_s_search(staff, proposals):
    header, *rows = rows_of(staff.get(PROPOSALS_EXPORT, {"q": "검출"}))
    assert [r[header.index("제목")] for r in rows] == ["'+검출 라인"]


def test_proposals_list_links_to_its_export_with_its_own_filters(staff, proposals):
    html = staff.get("/admin/projects/proposal/", {"status__exact": "submitted"}).content.decode()
    assert f'href="{PROPOSALS_EXPORT}?status__exact=submitted"' in html


def test_proposals_export_needs_view_permission(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    assert client.get(PROPOSALS_EXPORT).status_code == 403


def test_proposals_export_with_an_unknown_filter_goes_back_to_the_list_s_error_page(staff, proposals):
    response = staff.get(PROPOSALS_EXPORT, {"no_such_field": "1"})
    assert response.status_code == 302 and response["Location"] == "/admin/projects/proposal/?e=1"


def test_the_selected_rows_action_is_gone(staff, proposals):
    assert 'value="export_csv"' not in staff.get("/admin/projects/proposal/").content.decode()


# --- the public chart exports -------------------------------------------------------------------


def test_chart_export_neutralises_a_formula_in_a_call_title(client):
    f.call(title="=1+1 공모")
    rows = rows_of(client.get(reverse("stats:chart-csv", args=["calls"])))
    assert [r[0] for r in rows[1:]] == ["'=1+1 공모"]
