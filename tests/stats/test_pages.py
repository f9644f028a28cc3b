"""The home page and the dashboard: constant queries at two sizes, both languages, the staff overview."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Organization
from portal import derived
from projects.models import Call
from stats import figures
from tests.background import run_tasks
from tests.projects import factories as f
from tests.stats.conftest import grow

pytestmark = pytest.mark.django_db

# Cold (the cache cleared): the figures the worker stored (one row) instead of the 14 queries that count them;
# the home page adds open calls and latest news; the page cache adds the next scheduled article and the next
# call opening or closing. Warm: the whole page comes from the cache.
COLD = {"/": 5, "/stats/": 3}
WARM = {"/": 0, "/stats/": 0}


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/", "/stats/"])
def test_queries_stay_the_same_at_two_sizes(client, decider, url):
    grow(members=1, proposals=1, decider=decider)
    derived.refresh()
    cache.clear()
    small = (queries(client, url), queries(client, url))
    grow(members=6, proposals=5, decider=decider)
    derived.refresh()
    cache.clear()
    large = (queries(client, url), queries(client, url))
    assert small == large == (COLD[url], WARM[url])


def test_dashboard_in_english(client, alliance):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(reverse("stats:dashboard")).content.decode()
    assert "<h1>Alliance in figures</h1>" in html
    assert "Members by industry" in html and "Semiconductors" in html
    assert "Completed lead projects in AI autonomous manufacturing" in html
    rows = client.get(reverse("stats:chart-csv", args=["tiers"])).content.decode()
    assert rows.splitlines()[0] == "\ufeffSize tier,Members,Share of companies (%),Launch mix (%)"


def test_dashboard_in_korean(client, alliance):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"
    html = client.get(reverse("stats:dashboard")).content.decode()
    assert "<h1>숫자로 보는 얼라이언스</h1>" in html
    assert "업종별 회원사" in html and "반도체" in html
    assert "AI 자율제조 선도 프로젝트" in html
    rows = client.get(reverse("stats:chart-csv", args=["tiers"])).content.decode()
    assert rows.splitlines()[0] == "\ufeff기업 규모,회원사,기업 중 비율(%),출범 시 구성(%)"


def test_header_links_to_the_dashboard(client, db):
    assert 'href="/stats/"' in client.get("/").content.decode()


def test_staff_overview_links_each_count_to_its_filtered_changelist(client, staff_with_mfa, decider):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save()
    grow(members=1, proposals=1, decider=decider)
    closing = f.call(title="곧 마감하는 공모", closes=5)
    f.call(title="한참 남은 공모", closes=40)
    client.force_login(staff_with_mfa)
    html = client.get(reverse("admin:index")).content.decode()
    pending = Organization.objects.filter(status="pending").count()
    assert 'href="/admin/members/organization/?status__exact=pending">' in html
    assert f"<td>{pending}</td>" in html
    assert "/admin/projects/proposal/?status__exact=under_review" in html
    assert "/admin/projects/proposal/?status__exact=submitted" in html
    assert closing.title in html and "한참 남은 공모" not in html and "D-5" in html
    assert "/admin/projects/call/?closes_at__gt=" in html
    selected = f.Proposal.objects.filter(status="selected").first()
    assert f'href="/admin/projects/proposal/{selected.pk}/change/"' in html  # a latest decision


def test_closing_calls_link_lists_exactly_those_calls(client, staff_with_mfa, decider):
    from stats.overview import overview

    staff_with_mfa.is_superuser = True
    staff_with_mfa.save()
    f.call(title="곧 마감", closes=3)
    f.call(title="나중 마감", closes=30)
    client.force_login(staff_with_mfa)
    url = overview(staff_with_mfa)["closing_calls_url"]
    page = client.get(url)
    assert page.status_code == 200
    assert [c.title for c in page.context["cl"].result_list] == ["곧 마감"]


def test_staff_without_project_permissions_see_no_proposal_counts(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    html = client.get(reverse("admin:index")).content.decode()
    assert "/admin/projects/proposal/?status__exact" not in html


def test_target_edit_in_the_admin_refreshes_the_figures(client, staff_with_mfa, django_capture_on_commit_callbacks):
    from stats.models import Target

    staff_with_mfa.is_superuser = True
    staff_with_mfa.save()
    client.force_login(staff_with_mfa)
    target = Target.objects.get(key="sites")
    assert figures.get()["targets"]["sites"]["value"] == 100
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:stats_target_change", args=[target.pk]), {
            "label_ko": target.label_ko, "label_en": target.label_en, "value": 120, "baseline": "",
            "progress": "", "unit": "count", "year": 2028, "sort_order": 2,
        })
    assert response.status_code == 302
    run_tasks()  # the worker counts the figures again
    assert figures.get()["targets"]["sites"]["value"] == 120
    assert timezone.now() - Target.objects.get(pk=target.pk).updated_at < datetime.timedelta(minutes=1)


def call_change_form(call, **changes):
    """What the Call admin change form posts: every field, and its criteria inline with its management form."""
    def split(moment):
        local = timezone.localtime(moment)
        return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}

    data = {
        "title": call.title, "description": call.description,
        **{f"opens_at_{k}": v for k, v in split(call.opens_at).items()},
        **{f"closes_at_{k}": v for k, v in split(call.closes_at).items()},
        **{name: getattr(call, name) for name in [
            "funding_cap", "max_months", "expected_projects", "gov_share_large", "gov_share_midsize",
            "gov_share_sme", "gov_share_institution", "cash_min_large", "cash_min_midsize", "cash_min_sme",
            "sme_midsize_min_share", "gov_share_public_enterprise", "cash_min_public_enterprise", "objection_days",
        ]},
        **{name: "on" for name in ("demand_company_required", "drop_extremes", "disclose_rank_band",
                                   "disclose_evaluators") if getattr(call, name)},
    }
    criteria = list(call.criteria.all())
    data.update({"criteria-TOTAL_FORMS": len(criteria), "criteria-INITIAL_FORMS": len(criteria),
                 "criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 1000})
    for i, criterion in enumerate(criteria):
        data.update({f"criteria-{i}-id": criterion.pk, f"criteria-{i}-call": call.pk,
                     f"criteria-{i}-sort_order": criterion.sort_order, f"criteria-{i}-code": criterion.code,
                     f"criteria-{i}-name": criterion.name, f"criteria-{i}-weight": criterion.weight,
                     f"criteria-{i}-scale": criterion.scale})
    data.update(changes)
    return data


def test_renaming_a_call_in_the_admin_shows_the_new_title_on_the_cached_dashboard(
    client, staff_with_mfa, django_capture_on_commit_callbacks,
):
    from django.contrib.auth.models import Permission
    from django.test import Client

    call = f.call(title="옛 공모 제목")
    staff_with_mfa.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="projects", codename__in=["view_call", "change_call"]))
    client.force_login(staff_with_mfa)
    visitor = Client()
    assert "옛 공모 제목" in visitor.get("/stats/").content.decode()  # cached with the old title
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:projects_call_change", args=[call.pk]),
                               call_change_form(call, title="새 공모 제목"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Call.objects.get(pk=call.pk).title == "새 공모 제목"
    run_tasks()  # the worker counts the figures again
    rendered = visitor.get("/stats/").content.decode()
    assert queries(visitor, "/stats/") == 0  # the second visit comes from the page cache
    cached = visitor.get("/stats/").content.decode()
    for html in (rendered, cached):
        assert "새 공모 제목" in html and "옛 공모 제목" not in html


def test_staff_overview_counts_members_certificates_expiring_and_lapsed_linked_to_the_filtered_list(
        client, staff_with_mfa):
    from members.models import Organization as Org
    from tests import personas

    staff_with_mfa.is_superuser = True
    staff_with_mfa.save()
    today = timezone.localdate()

    def member_with_certificate(days, **fields):
        return personas.organization(certificate_expires_on=today + datetime.timedelta(days=days), **fields)

    def page():
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("admin:index")).content.decode()
        return html, len(captured)

    client.force_login(staff_with_mfa)
    page()  # the first sign-in creates the session
    _html, few = page()
    expiring = {member_with_certificate(days).pk for days in (0, 30, 60)}
    member_with_certificate(61)
    expired = {member_with_certificate(days).pk for days in (-1, -300)}
    member_with_certificate(-5, status=Org.Status.SUSPENDED)  # not a member taking part: not chased here
    member_with_certificate(10, status=Org.Status.PENDING)
    html, many = page()
    assert many == few
    assert '<td data-count="certificates-expiring">3</td>' in html
    assert '<td data-count="certificates-expired">2</td>' in html
    for state, pks in (("expiring", expiring), ("expired", expired)):
        url = f"/admin/members/organization/?certificate={state}&amp;status__exact=approved"
        assert f'href="{url}"' in html
        listed = client.get(url.replace("&amp;", "&")).context["cl"].result_list
        assert {o.pk for o in listed} == pks


def test_staff_who_may_not_view_organisations_see_no_certificate_counts(client):
    from tests import personas

    editor = personas.staff("editor@ministry.example", group=personas.NEWS_EDITORS, mfa=True)
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200 and 'id="staff-overview"' in response.content.decode()
    assert "certificates-expiring" not in response.content.decode()


def test_proposals_without_a_review_are_counted_by_the_worker(staff_with_mfa):
    from projects.models import Review
    from stats.overview import overview

    staff_with_mfa.is_superuser = True
    staff_with_mfa.save()
    call = f.call()
    waiting = [f.ready_proposal(call, status=f.Proposal.Status.UNDER_REVIEW) for _ in range(2)]
    f.ready_proposal(call, status=f.Proposal.Status.SUBMITTED)  # not under review: not in the count
    derived.refresh()  # the worker's recount
    assert overview(staff_with_mfa)["unreviewed"] == 2
    Review.objects.create(proposal=waiting[0], reviewer=f.personas.evaluator())
    assert overview(staff_with_mfa)["unreviewed"] == 2  # a moment behind, until the worker counts again
    derived.refresh()
    assert overview(staff_with_mfa)["unreviewed"] == 1
