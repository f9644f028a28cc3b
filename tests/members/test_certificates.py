"""Certificate renewal: from /my/ (same tier at once, confirmed by staff; another tier through a change
request), by staff in the admin, the history of versions, and the validity window (members.certificate_dates)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members import certificate_dates, services
from members.forms import OrganizationForm
from members.models import ChangeRequest, Membership, Organization, TierCertificate
from portal.dates import add_months
from portal.files import sweep_orphans
from tests import personas

RENEW = reverse("my:certificate")
TODAY = timezone.localdate


@pytest.fixture
def owner(db):
    return personas.user("owner@hanbit.example")


@pytest.fixture
def org(owner):
    return personas.organization("한빛정밀", owner=owner, tier=Organization.Tier.SME)


@pytest.fixture
def decider(db):
    return personas.staff("decider@ministry.example", group=personas.MEMBERSHIP_REVIEWERS)


@pytest.fixture
def as_owner(client, owner):
    client.force_login(owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def renewal(*, days=365, tier="sme", name="2027확인서.pdf", **extra):
    return {"file": personas.pdf(name), "number": "0002-2027-01",
            "valid_until": (TODAY() + datetime.timedelta(days=days)).isoformat(), "tier": tier, **extra}


# --- the validity window ------------------------------------------------------------------------


@pytest.mark.parametrize("day, ok", [
    (datetime.date(2026, 12, 1), True),  # today
    (datetime.date(2026, 11, 30), False),  # yesterday: expired
    (datetime.date(2028, 3, 1), True),  # 15 months ahead
    (datetime.date(2028, 3, 2), False),  # a day more
])
def test_the_validity_window_runs_from_today_to_15_months_ahead(day, ok):
    today = datetime.date(2026, 12, 1)
    if ok:
        certificate_dates.validate_valid_until(day, today=today)
    else:
        with pytest.raises(certificate_dates.ValidationError):
            certificate_dates.validate_valid_until(day, today=today)


def test_adding_months_keeps_to_the_end_of_a_short_month():
    assert add_months(datetime.date(2026, 11, 30), 15) == datetime.date(2028, 2, 29)


@pytest.mark.parametrize("days", [-1, 500])
def test_registration_refuses_an_expired_or_too_distant_certificate(db, days):
    form = OrganizationForm(data={
        "kind": "company", "name": "새회사", "business_number": personas.business_number(), "representative": "김",
        "tier": "sme", "industry": personas.industry().pk, "address": "서울특별시 1", "employees": 3,
        "ai_stage": "none", "certificate_number": "1", "certificate_expires_on": TODAY() + datetime.timedelta(days),
    }, files={"tier_proof": personas.pdf()})
    assert not form.is_valid()
    assert "certificate_expires_on" in form.errors


def test_an_old_rows_lapsed_date_does_not_stop_other_edits(db, owner):
    pending = personas.organization("신청중", owner=owner, status=Organization.Status.PENDING,
                                    certificate_expires_on=TODAY() - datetime.timedelta(days=10))
    form = OrganizationForm(data={**{f: getattr(pending, f) for f in (
        "kind", "name", "business_number", "representative", "tier", "address", "employees", "ai_stage",
        "certificate_number", "certificate_expires_on")}, "industry": pending.industry_id}, instance=pending)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("days", [-1, 500])
def test_renewal_refuses_an_expired_or_too_distant_certificate(as_owner, org, days):
    response = as_owner.post(RENEW, renewal(days=days))
    assert response.status_code == 200 and "valid_until" in response.context["form"].errors
    assert not org.certificates.exists()


# --- renewal of the same tier -------------------------------------------------------------------


def test_a_same_tier_renewal_applies_at_once_and_keeps_the_old_file(as_owner, org):
    old = org.tier_proof.name
    response = as_owner.post(RENEW, renewal())
    assert response.status_code == 302, response.context["form"].errors
    org.refresh_from_db()
    assert org.tier_proof.name != old and org.tier_proof_name == "2027확인서.pdf"
    assert org.certificate_number == "0002-2027-01"
    assert org.certificate_expires_on == TODAY() + datetime.timedelta(days=365)
    versions = list(org.certificates.order_by("uploaded_at"))
    assert [v.file.name for v in versions] == [old, org.tier_proof.name]
    assert versions[-1].awaits_confirmation and not org.change_requests.exists()
    storage = org.tier_proof.storage
    assert storage.exists(old)
    # The orphan sweep knows the history's files are named by rows: neither would be deleted.
    assert not {old, org.tier_proof.name} & set(sweep_orphans(older_than=datetime.timedelta(0)).stored)


def test_staff_confirm_a_renewal_with_one_action(client, as_owner, org, decider):
    as_owner.post(RENEW, renewal())
    waiting = TierCertificate.objects.awaiting_confirmation().get(organization=org)
    client.force_login(decider)
    changelist = reverse("admin:members_tiercertificate_changelist")
    assert str(org) in client.get(changelist, {"confirmation": "waiting"}).content.decode()
    client.post(changelist, {"action": "confirm", "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.confirmed_by == decider and waiting.confirmed_at is not None
    assert not TierCertificate.objects.awaiting_confirmation().exists()


def test_readers_cannot_confirm(client, as_owner, org):
    as_owner.post(RENEW, renewal())
    waiting = TierCertificate.objects.awaiting_confirmation().get(organization=org)
    client.force_login(personas.staff(group=personas.MEMBERSHIP_READERS))
    changelist = reverse("admin:members_tiercertificate_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "confirm", "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None


def test_the_old_version_stays_downloadable_for_the_organisations_people(as_owner, org, client):
    as_owner.post(RENEW, renewal())
    first = org.certificates.order_by("uploaded_at").first()
    url = reverse("members:certificate-file", args=[first.pk])
    assert as_owner.get(url).status_code == 200
    client.force_login(personas.user())
    assert client.get(url).status_code == 404


# --- renewal with another tier ------------------------------------------------------------------


def test_a_certificate_of_another_tier_becomes_a_change_request(as_owner, org, decider):
    old_proof = org.tier_proof.name
    response = as_owner.post(RENEW, renewal(tier="midsize", name="중견기업확인서.pdf", reason="중견기업으로 성장"))
    assert response.status_code == 302, response.context["form"].errors
    org.refresh_from_db()
    assert org.tier == "sme" and org.tier_proof.name == old_proof  # nothing applies before the decision
    request = org.change_requests.get()
    assert request.changes == {"tier": ["sme", "midsize"]}
    assert request.certificate.original_name == "중견기업확인서.pdf"

    services.change_request_approve(change_request=request, by=decider)
    org.refresh_from_db()
    assert org.tier == "midsize" and org.tier_proof.name == request.certificate.file.name
    assert org.certificate_expires_on == request.certificate.valid_until
    request.certificate.refresh_from_db()
    assert request.certificate.confirmed_by == decider


def test_another_tier_needs_a_reason(as_owner, org):
    response = as_owner.post(RENEW, renewal(tier="midsize"))
    assert "reason" in response.context["form"].errors
    assert not ChangeRequest.objects.exists()


def test_a_rejected_tier_change_keeps_the_certificate_in_the_history_only(as_owner, org, decider):
    as_owner.post(RENEW, renewal(tier="midsize", reason="성장"))
    request = org.change_requests.get()
    services.change_request_reject(change_request=request, by=decider, note="확인서 발급일이 맞지 않습니다")
    org.refresh_from_db()
    assert org.tier == "sme" and org.tier_proof.name != request.certificate.file.name
    assert org.tier_proof.storage.exists(request.certificate.file.name)


def test_institutions_have_no_certificate_page(client, db):
    person = personas.user()
    personas.organization("연구원", owner=person, kind=Organization.Kind.INSTITUTION)
    client.force_login(person)
    assert client.get(RENEW)["Location"] == reverse("my:dashboard")


def test_a_plain_member_may_not_renew(client, org):
    member = personas.member(org, Membership.Role.MEMBER)
    client.force_login(member)
    assert client.get(RENEW).status_code == 403


# --- staff in the admin -------------------------------------------------------------------------


def _admin_post_data(response):
    """What the admin's change form would send back unchanged (its fields and the inlines' management forms)."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or name == "new_tier_proof":
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    return data


def test_staff_upload_a_new_certificate_in_the_admin_and_it_joins_the_history(client, org):
    superuser = personas.staff(is_superuser=True)
    client.force_login(superuser)
    url = reverse("admin:members_organization_change", args=[org.pk])
    old = org.tier_proof.name
    data = _admin_post_data(client.get(url))
    valid_until = TODAY() + datetime.timedelta(days=200)
    data.update(new_tier_proof=personas.pdf("사무국업로드.pdf"), certificate_number="STAFF-1",
                certificate_expires_on=valid_until.isoformat())
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.tier_proof_name == "사무국업로드.pdf" and org.certificate_expires_on == valid_until
    newest = org.certificates.first()
    assert newest.source == TierCertificate.Source.STAFF and newest.confirmed_by == superuser
    assert org.tier_proof.storage.exists(old)
    page = client.get(url).content.decode()
    assert "사무국업로드.pdf" in page and 'data-event="certificate"' in page


def test_the_admin_refuses_a_too_distant_date_but_keeps_an_old_one_editable(client, org):
    client.force_login(personas.staff(is_superuser=True))
    Organization.objects.filter(pk=org.pk).update(certificate_expires_on=TODAY() - datetime.timedelta(days=3))
    url = reverse("admin:members_organization_change", args=[org.pk])
    data = _admin_post_data(client.get(url))
    data["representative"] = "정정대표"
    assert client.post(url, data).status_code == 302  # the lapsed date is not retyped: saved
    org.refresh_from_db()
    assert org.representative == "정정대표"
    assert org.field_changes.get().field == "representative"  # staff corrections are logged too
    data["certificate_expires_on"] = (TODAY() + datetime.timedelta(days=600)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 200 and "certificate_expires_on" in response.context["adminform"].form.errors


def test_the_change_request_admin_shows_old_and_new_side_by_side_and_approves(client, org, owner, decider,
                                                                             mailoutbox):
    request = services.organization_change(organization=org, by=owner, values={"representative": "박새대표"},
                                           reason="대표 변경")
    client.force_login(decider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("admin:members_changerequest_change", args=[request.pk])).content.decode()
    assert "김대표" in page and "박새대표" in page and "대표 변경" in page
    changelist = reverse("admin:members_changerequest_changelist")
    confirm = client.post(changelist, {"action": "approve", "_selected_action": [request.pk]}).content.decode()
    assert "김대표 → 박새대표" in confirm
    client.post(changelist, {"action": "approve", "_selected_action": [request.pk], "post": "yes", "note": ""})
    request.refresh_from_db()
    org.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPROVED and org.representative == "박새대표"


def test_rejecting_a_change_request_in_the_admin_needs_a_note(client, org, owner, decider):
    request = services.organization_change(organization=org, by=owner, values={"name": "새이름"}, reason="상호 변경")
    client.force_login(decider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(reverse("admin:members_changerequest_changelist"),
                           {"action": "reject", "_selected_action": [request.pk], "post": "yes", "note": ""})
    assert "Write a note" in response.content.decode()
    request.refresh_from_db()
    assert request.is_open


def test_readers_see_change_requests_without_decision_actions(client, org, owner):
    services.organization_change(organization=org, by=owner, values={"name": "새이름"}, reason="상호 변경")
    client.force_login(personas.staff(group=personas.MEMBERSHIP_READERS))
    response = client.get(reverse("admin:members_changerequest_changelist"))
    assert response.status_code == 200
    form = response.context["action_form"]
    actions = [value for value, _label in form.fields["action"].choices] if form else []
    assert "approve" not in actions and "reject" not in actions


def test_the_admin_lists_run_the_same_queries_however_many_rows(client, decider, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(decider)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def more():
        person = personas.user()
        company = personas.organization(owner=person)
        services.organization_change(organization=company, by=person, values={"name": "새"}, reason="변경")
        services.certificate_renew(organization=company, by=person, file=personas.pdf(), number="1",
                                   valid_until=TODAY() + datetime.timedelta(days=30), tier="sme")

    more()
    urls = [reverse("admin:members_changerequest_changelist"), reverse("admin:members_tiercertificate_changelist")]
    few = [queries(url) for url in urls]
    for _ in range(3):
        more()
    assert [queries(url) for url in urls] == few


def test_staff_type_revenue_in_korean_units_in_the_admin(client, org):
    client.force_login(personas.staff(is_superuser=True))
    url = reverse("admin:members_organization_change", args=[org.pk])
    data = _admin_post_data(client.get(url))
    data["annual_revenue"] = "1,200억"
    assert client.post(url, data).status_code == 302
    org.refresh_from_db()
    assert org.annual_revenue == 120_000_000_000
    page = client.get(url).content.decode()
    assert 'value="120,000,000,000"' in page and 'id="id_annual_revenue_echo"' in page
    data["annual_revenue"] = "1,200억x"
    response = client.post(url, data)
    assert response.status_code == 200 and "annual_revenue" in response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.annual_revenue == 120_000_000_000


def test_confirming_after_an_old_sign_in_asks_for_the_second_factor_then_confirms_once(as_owner, org, settings):
    import time

    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.test import Client

    as_owner.post(RENEW, renewal())
    waiting = TierCertificate.objects.awaiting_confirmation().get(organization=org)
    reviewer = personas.staff(group=personas.MEMBERSHIP_REVIEWERS, mfa=False)
    secret = personas.activate_totp(reviewer)
    assert Authenticator.objects.filter(user=reviewer).exists()
    client = Client()
    client.force_login(reviewer)
    personas.confirm_identity(client, ago=settings.PORTAL_STAFF_DECISION_MAX_AUTH_AGE + 1, reauthenticated=False)
    changelist = reverse("admin:members_tiercertificate_changelist")
    response = client.post(changelist, {"action": "confirm", "_selected_action": [waiting.pk]})
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    waiting.refresh_from_db()
    assert waiting.confirmed_at is None
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    client.post(response["Location"], {"code": code})  # allauth runs the stored action once confirmed
    waiting.refresh_from_db()
    assert waiting.confirmed_by == reviewer
