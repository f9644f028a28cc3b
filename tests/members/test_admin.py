"""The staff side: decisions as admin actions, read-only history, CSV export, rights through groups."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.admin import OrganizationAdmin
from members.models import Membership, Organization, StatusChange
from portal import derived
from tests.background import run_tasks

CHANGELIST = reverse("admin:members_organization_changelist")


@pytest.fixture
def staff_client(client):
    def login(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login


def test_reviewer_approves_through_a_confirmation_page_with_a_note(staff_client, reviewer, hanbit, alice, mailoutbox):
    client = staff_client(reviewer)
    step1 = client.post(CHANGELIST, {"action": "approve", "_selected_action": [hanbit.pk]})
    assert step1.status_code == 200 and "Note to the applicant" in step1.content.decode()
    hanbit.refresh_from_db()
    assert hanbit.status == "pending"
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [hanbit.pk], "post": "yes",
                             "note": "환영합니다"})
    hanbit.refresh_from_db()
    assert hanbit.status == "approved"
    assert StatusChange.objects.filter(organization=hanbit).last().note == "환영합니다"
    assert mailoutbox == []  # queued: the worker sends it
    run_tasks()
    assert mailoutbox[0].to == [alice.email]


def test_rejecting_without_a_note_asks_for_one(staff_client, reviewer, hanbit):
    response = staff_client(reviewer).post(
        CHANGELIST, {"action": "reject", "_selected_action": [hanbit.pk], "post": "yes", "note": ""}
    )
    assert "Write a note" in response.content.decode()
    hanbit.refresh_from_db()
    assert hanbit.status == "pending"


def test_forbidden_moves_are_reported_not_applied(staff_client, reviewer, hanbit):
    response = staff_client(reviewer).post(
        CHANGELIST, {"action": "suspend", "_selected_action": [hanbit.pk], "post": "yes", "note": "x"},
        follow=True,
    )
    assert "This membership is pending review, so it cannot be suspended yet: approve it first." in (
        response.content.decode()
    )
    hanbit.refresh_from_db()
    assert hanbit.status == "pending"


def test_readers_see_the_list_but_no_decision_actions(staff_client, reader, hanbit):
    response = staff_client(reader).get(CHANGELIST)
    assert response.status_code == 200 and hanbit.name in response.content.decode()
    assert 'value="approve"' not in response.content.decode()
    response = staff_client(reader).post(CHANGELIST, {"action": "approve", "_selected_action": [hanbit.pk],
                                                      "post": "yes"})
    hanbit.refresh_from_db()
    assert hanbit.status == "pending"


def test_history_and_people_are_shown_read_only(staff_client, reviewer, hanbit, alice):
    page = staff_client(reviewer).get(reverse("admin:members_organization_change", args=[hanbit.pk]))
    html = page.content.decode()
    assert alice.email in html
    assert 'name="status_changes-0-note"' not in html  # no editable history fields
    assert reverse("members:tier-proof", args=[hanbit.pk]) in html


def test_search_finds_a_number_typed_with_dashes(staff_client, reviewer, hanbit, make_org):
    make_org("다른회사")
    response = staff_client(reviewer).get(CHANGELIST, {"q": hanbit.business_number_display})
    assert list(response.context["cl"].result_list) == [hanbit]


def test_certificate_filter_lists_expired_and_expiring(staff_client, reviewer, make_org):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    make_org("만료", certificate_expires_on=today - datetime.timedelta(days=1))
    make_org("곧만료", certificate_expires_on=today + datetime.timedelta(days=60))
    make_org("여유", certificate_expires_on=today + datetime.timedelta(days=61))
    client = staff_client(reviewer)
    response = client.get(CHANGELIST, {"certificate": "attention"})
    assert {o.name for o in response.context["cl"].result_list} == {"만료", "곧만료"}
    for state, names in (("expired", {"만료"}), ("expiring", {"곧만료"})):
        assert {o.name for o in client.get(CHANGELIST, {"certificate": state}).context["cl"].result_list} == names
    assert "Expiring within 60 days" in client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_registration_date_filter_offers_the_past_week(staff_client, reviewer, hanbit, make_org):
    import datetime

    from django.utils import timezone

    old = make_org("오래된회사")
    Organization.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    client = staff_client(reviewer)
    page = client.get(CHANGELIST)
    choice = next(c for spec in page.context["cl"].filter_specs if getattr(spec, "field_path", "") == "created_at"
                  for c in spec.choices(page.context["cl"]) if c["display"] == "Past 7 days")
    response = client.get(CHANGELIST + choice["query_string"])
    assert hanbit in response.context["cl"].result_list
    assert old not in response.context["cl"].result_list


def test_csv_export_of_the_filtered_list_opens_in_excel(staff_client, reader, make_org):
    make_org("가람정밀", status="approved")
    make_org("나래테크", status="pending")
    response = staff_client(reader).get(reverse("admin:members_organization_export"), {"status__exact": "approved"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:3] == ["name (Korean)", "name (English)", "business registration number"]
    assert [r[0] for r in rows[1:]] == ["가람정밀"]
    org = Organization.objects.get(name="가람정밀")
    assert rows[1][2] == org.business_number_display


def test_csv_export_needs_view_permission(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    assert client.get(reverse("admin:members_organization_export")).status_code == 403


def test_the_list_counts_each_organisations_people(staff_client, reviewer, hanbit, bob, carol, make_org):
    make_org("빈회사")
    rows = staff_client(reviewer).get(CHANGELIST).context["cl"].result_list
    assert {org.name: org.people_count for org in rows} == {"한빛정밀": 3, "빈회사": 0}


def test_the_list_sorts_by_people(staff_client, reviewer, hanbit, bob, make_org):
    make_org("빈회사")
    people_column = OrganizationAdmin.list_display.index("people_count") + 1  # after the action checkbox
    rows = staff_client(reviewer).get(CHANGELIST, {"o": f"-{people_column}"}).context["cl"].result_list
    assert [org.name for org in rows] == ["한빛정밀", "빈회사"]


def _changelist_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CHANGELIST).status_code == 200
    return len(captured)


def test_the_list_runs_the_same_queries_however_many_organisations(staff_client, reviewer, make_org, make_user):
    client = staff_client(reviewer)
    make_org("첫회사", owner=make_user("first@org.example"))
    derived.refresh()  # as the worker does after each change: the whole list's count is stored
    few = _changelist_queries(client)
    for i in range(5):
        org = make_org(f"회사{i}", owner=make_user(f"owner{i}@org.example"))
        Membership.objects.create(user=make_user(f"member{i}@org.example"), organization=org)
    derived.refresh()
    assert _changelist_queries(client) == few


def test_the_whole_list_is_counted_by_the_worker_and_a_search_at_once(staff_client, reviewer, make_org):
    client = staff_client(reviewer)
    make_org("한결정밀")
    derived.refresh()
    make_org("누리테크")  # since the worker's count
    whole = client.get(CHANGELIST).context["cl"]
    assert whole.result_count == Organization.objects.count() - 1  # the stored count, a moment behind
    assert "누리테크" in [org.name for org in whole.result_list]  # the page still shows every row there is
    assert client.get(CHANGELIST, {"q": "테크"}).context["cl"].result_count == 1  # a search: counted now
    derived.refresh()
    assert client.get(CHANGELIST).context["cl"].result_count == Organization.objects.count()



def test_a_deep_page_of_the_whole_list_starts_from_the_worker_s_marks(staff_client, reviewer, make_org, monkeypatch):
    from portal import pagination

    monkeypatch.setattr(pagination, "MARK_EVERY", 2)  # a mark every second organisation
    monkeypatch.setattr(OrganizationAdmin, "list_per_page", 2)
    for i in range(6):
        make_org(f"회사{i}")
    derived.refresh()
    client = staff_client(reviewer)
    expected = list(Organization.objects.order_by("-created_at", "pk").values_list("name", flat=True))
    with CaptureQueriesContext(connection) as captured:
        shown = [org.name for org in client.get(CHANGELIST, {"p": 3}).context["cl"].result_list]
    assert shown == expected[4:6]
    ids_query = next(q["sql"] for q in captured if re.search(r"LIMIT 2\b", q["sql"]))
    assert "OFFSET" not in ids_query  # started at the row of the mark before the page, the page's first


@pytest.fixture
def four_tech_companies(make_org, monkeypatch):
    """Four organisations holding 테크 and one that does not, with a search limit of two (SEARCH_COUNT_LIMIT)."""
    from portal import admin

    monkeypatch.setattr(admin, "SEARCH_COUNT_LIMIT", 2)
    monkeypatch.setattr(admin, "SEARCH_CAPPED_ROWS", 2)
    for name in ("가람테크", "나래테크", "다솜테크", "라온테크", "마루정밀"):
        make_org(name)
    return list(Organization.objects.filter(name__contains="테크").order_by("-created_at", "pk"))


def test_a_search_up_to_the_limit_lists_and_counts_every_match(staff_client, reviewer, four_tech_companies):
    response = staff_client(reviewer).get(CHANGELIST, {"q": "다솜 테크"})
    changelist = response.context["cl"]
    assert [org.name for org in changelist.result_list] == ["다솜테크"]  # every word, in one field or another
    assert changelist.result_count == 1 and not changelist.paginator.count_capped
    assert '<span class="small quiet">1 result (' in response.content.decode()  # the search bar's count


def test_a_search_with_more_matches_than_the_limit_lists_its_first_rows_in_the_list_s_order(
        staff_client, reviewer, four_tech_companies):
    response = staff_client(reviewer).get(CHANGELIST, {"q": "테크"})
    changelist = response.context["cl"]
    assert [org.pk for org in changelist.result_list] == [org.pk for org in four_tech_companies[:2]]
    assert changelist.result_count == 2 and changelist.paginator.count_capped
    assert "More than 2 rows match this search: the first 2 in this order are listed" in response.content.decode()
    assert '<span class="small quiet">' not in response.content.decode()  # not "2 results": more match
    by_name = staff_client(reviewer).get(CHANGELIST, {"q": "테크", "o": "1"}).context["cl"]  # the name column
    assert [org.name for org in by_name.result_list] == ["가람테크", "나래테크"]


def test_select_all_of_a_capped_search_acts_on_the_rows_it_lists(staff_client, reviewer, four_tech_companies):
    client = staff_client(reviewer)
    response = client.post(f"{CHANGELIST}?q=테크", {
        "action": "approve", "select_across": "1", "index": "0", "_selected_action": [four_tech_companies[0].pk],
        "post": "yes", "note": "",
    })
    assert response.status_code == 302
    approved = Organization.objects.filter(status=Organization.Status.APPROVED)
    assert sorted(approved.values_list("pk", flat=True)) == sorted(org.pk for org in four_tech_companies[:2])


def test_the_csv_download_of_a_capped_search_holds_every_match(staff_client, reader, four_tech_companies):
    response = staff_client(reader).get(reverse("admin:members_organization_export"), {"q": "테크"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(four_tech_companies)
