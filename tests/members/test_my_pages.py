"""/my/: an organisation's own page, and the private proof document."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Invitation, Membership, Organization
from tests.members.conftest import pdf

DASHBOARD = reverse("my:dashboard")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login


def test_without_an_organisation_my_page_leads_to_registration(as_user, make_user):
    client = as_user(make_user("new@example.com"))
    assert client.get(DASHBOARD)["Location"] == reverse("members:register")


def test_owner_sees_status_next_step_people_and_invitations(as_user, alice, bob, hanbit):
    services.invitation_create(organization=hanbit, email="erin@hanbit.example", by=alice)
    page = as_user(alice).get(DASHBOARD).content.decode()
    assert "Pending review" in page and "reviews your registration" in page
    assert bob.email in page and "erin@hanbit.example" in page
    assert reverse("members:tier-proof", args=[hanbit.pk]) in page


def test_plain_member_sees_no_invitation_form(as_user, bob, hanbit):
    page = as_user(bob).get(DASHBOARD).content.decode()
    assert reverse("my:invite") not in page


def test_staff_note_shown_when_changes_are_requested_and_owner_resubmits(as_user, alice, hanbit, reviewer):
    services.organization_request_changes(organization=hanbit, by=reviewer, note="확인서 유효기간을 확인해 주세요")
    client = as_user(alice)
    page = client.get(DASHBOARD).content.decode()
    assert "확인서 유효기간을 확인해 주세요" in page and reverse("my:resubmit") in page
    assert client.get(reverse("my:edit")).status_code == 200
    client.post(reverse("my:resubmit"))
    hanbit.refresh_from_db()
    assert hanbit.status == Organization.Status.PENDING


def test_owner_edits_details_while_the_application_is_open(as_user, alice, hanbit):
    client = as_user(alice)
    form = client.get(reverse("my:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tier_proof"}
    data.update(representative="박새대표", industry=hanbit.industry_id, listed_in_directory="")
    response = client.post(reverse("my:edit"), data)
    assert response.status_code == 302, response.context["form"].errors
    hanbit.refresh_from_db()
    assert hanbit.representative == "박새대표" and hanbit.tier_proof  # the stored proof stays


def test_a_new_proof_replaces_the_old_one_which_stays_in_the_history(as_user, alice, hanbit,
                                                                     django_capture_on_commit_callbacks):
    old = hanbit.tier_proof.name
    storage = hanbit.tier_proof.storage
    assert storage.exists(old)
    client = as_user(alice)
    form = client.get(reverse("my:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tier_proof"}
    data.update(industry=hanbit.industry_id, listed_in_directory="", tier_proof=pdf("새확인서.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("my:edit"), data)
    assert response.status_code == 302, response.context["form"].errors
    hanbit.refresh_from_db()
    assert hanbit.tier_proof.name != old and hanbit.tier_proof_name == "새확인서.pdf"
    assert storage.exists(hanbit.tier_proof.name)
    assert storage.exists(old)  # an earlier version of the proof, named by its row in the history
    assert set(hanbit.certificates.values_list("file", flat=True)) == {old, hanbit.tier_proof.name}


def test_approved_details_stay_editable_in_two_groups(as_user, alice, hanbit, reviewer):
    services.organization_approve(organization=hanbit, by=reviewer)
    page = as_user(alice).get(reverse("my:edit")).content.decode()
    assert 'data-group="notify"' in page and 'data-group="approval"' in page


def test_owner_changes_a_role_and_removes_a_person(as_user, alice, bob, hanbit):
    client = as_user(alice)
    client.post(reverse("my:person-role", args=[bob.membership.pk]), {"role": "manager"})
    assert Membership.objects.get(user=bob).role == "manager"
    client.post(reverse("my:person-remove", args=[bob.membership.pk]))
    assert not Membership.objects.filter(user=bob).exists()


def test_last_owner_is_told_they_cannot_leave(as_user, alice, hanbit):
    response = as_user(alice).post(reverse("my:leave"), follow=True)
    assert "last owner" in response.content.decode()
    assert Membership.objects.filter(user=alice).exists()


# --- a wrong role on one's own organisation: 403, saying which role is needed ---------------------------


@pytest.mark.parametrize("method, name", [("get", "my:edit"), ("post", "my:resubmit"), ("post", "my:invite")])
def test_plain_member_is_told_that_owners_and_managers_do_this(as_user, bob, hanbit, method, name):
    response = getattr(as_user(bob), method)(reverse(name), {"email": "x@example.com", "role": "member"})
    assert response.status_code == 403
    assert "Only the organisation&#x27;s owners and managers may do this." in response.content.decode()


def test_plain_member_cannot_withdraw_an_invitation_of_their_own_organisation(as_user, alice, bob, hanbit):
    invitation, _ = services.invitation_create(organization=hanbit, email="e@x.example", by=alice)
    response = as_user(bob).post(reverse("my:invitation-revoke", args=[invitation.pk]))
    assert response.status_code == 403 and "owners and managers" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_only_owners_change_roles_or_remove_colleagues(as_user, alice, bob, hanbit, make_user):
    carol = make_user("carol@hanbit.example")
    Membership.objects.create(user=carol, organization=hanbit, role=Membership.Role.MANAGER)
    client = as_user(carol)
    role = client.post(reverse("my:person-role", args=[bob.membership.pk]), {"role": "manager"})
    assert role.status_code == 403 and "Only owners may change roles." in role.content.decode()
    remove = client.post(reverse("my:person-remove", args=[bob.membership.pk]))
    assert remove.status_code == 403 and "Only owners may remove people." in remove.content.decode()
    assert Membership.objects.get(user=bob).role == "member"


def test_a_plain_member_may_still_remove_themself(as_user, bob, hanbit):
    response = as_user(bob).post(reverse("my:person-remove", args=[bob.membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=bob).exists()


# --- another organisation's people get 404 -----------------------------------------------------


def test_outsider_cannot_touch_another_organisations_people(as_user, mallory, bob, hanbit):
    client = as_user(mallory)
    assert client.post(reverse("my:person-role", args=[bob.membership.pk]), {"role": "owner"}).status_code == 404
    assert client.post(reverse("my:person-remove", args=[bob.membership.pk])).status_code == 404
    assert Membership.objects.get(user=bob).role == "member"


def test_outsider_cannot_withdraw_another_organisations_invitation(as_user, mallory, alice, hanbit):
    invitation, _ = services.invitation_create(organization=hanbit, email="e@x.example", by=alice)
    assert as_user(mallory).post(reverse("my:invitation-revoke", args=[invitation.pk])).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_outsider_gets_404_for_another_organisations_document(as_user, mallory, hanbit):
    assert as_user(mallory).get(reverse("members:tier-proof", args=[hanbit.pk])).status_code == 404


def test_own_people_download_the_proof_as_an_attachment_with_its_original_name(as_user, bob, hanbit):
    response = as_user(bob).get(reverse("members:tier-proof", args=[hanbit.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%ED%99%95%EC%9D%B8%EC%84%9C.pdf" in response["Content-Disposition"]  # 확인서.pdf
    assert response.content.startswith(b"%PDF-")


def test_staff_need_the_permission_and_mfa_for_documents(client, hanbit, reviewer, staff_with_mfa, staff_user):
    url = reverse("members:tier-proof", args=[hanbit.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    client.force_login(staff_with_mfa)  # staff, but in no group
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_documents(client, hanbit):
    assert client.get(reverse("members:tier-proof", args=[hanbit.pk])).status_code == 302


# --- state changes are POST only, with CSRF -------------------------------------------------


@pytest.mark.parametrize("name", ["my:resubmit", "my:invite", "my:leave"])
def test_state_changes_refuse_get(as_user, alice, hanbit, name):
    assert as_user(alice).get(reverse(name)).status_code == 405


def test_state_changes_need_the_csrf_token(alice, bob, hanbit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("my:person-remove", args=[bob.membership.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(user=bob).exists()


def test_my_page_runs_the_same_queries_however_many_people_invitations_and_changes(as_user, alice, hanbit, make_user):
    client = as_user(alice)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD).status_code == 200
        return len(captured)

    queries()  # the first request after a data version also finds the next scheduled change (portal.pagecache)
    hanbit.status_changes.create(from_status="pending", to_status="pending", note="메모")  # the page is built again
    few = queries()
    for i in range(4):
        Membership.objects.create(user=make_user(f"colleague{i}@hanbit.example"), organization=hanbit)
        services.invitation_create(organization=hanbit, email=f"guest{i}@hanbit.example", by=alice)
        hanbit.status_changes.create(from_status="pending", to_status="pending", note=f"메모 {i}")
    assert queries() == few


@pytest.mark.parametrize("days, state", [(-1, "expired"), (10, "expiring"), (200, "valid")])
def test_my_page_says_whether_the_certificate_is_valid_expiring_or_expired(as_user, alice, hanbit, days, state):
    Organization.objects.filter(pk=hanbit.pk).update(
        certificate_expires_on=timezone.localdate() + datetime.timedelta(days=days)
    )
    html = as_user(alice).get(DASHBOARD).text
    assert f'data-certificate="{state}"' in html
    assert ('data-certificate-banner="expired"' in html) == (state == "expired")
    if state == "expired":
        assert "valid until" not in html
