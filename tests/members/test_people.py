"""Colleagues: invitations, roles, removal, leaving, and the last-owner rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from members import services
from members.models import Invitation, Membership, Organization
from tests import personas
from tests.background import run_tasks


def invite(org, by, email="erin@hanbit.example", role="member"):
    return services.invitation_create(organization=org, email=email, role=role, by=by)


@pytest.fixture
def erin(make_user):
    return make_user("erin@hanbit.example")


def test_owner_invites_by_email_with_a_single_use_link(hanbit, alice, mailoutbox):
    invitation, token = invite(hanbit, alice)
    run_tasks()
    assert invitation.token_hash != token and Invitation.hash_token(token) == invitation.token_hash
    assert mailoutbox[0].to == ["erin@hanbit.example"]
    assert reverse("members:invitation", args=[token]) in mailoutbox[0].body
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)


def test_managers_invite_but_plain_members_cannot(hanbit, carol, bob):
    invite(hanbit, carol)
    with pytest.raises(services.MembershipError):
        invite(hanbit, bob, email="frank@hanbit.example")


def test_invitee_accepts_and_joins_with_the_invited_role(hanbit, alice, erin):
    _, token = invite(hanbit, alice, role="manager")
    membership = services.invitation_accept(token=token, user=erin)
    assert (membership.organization, membership.role) == (hanbit, "manager")


def test_a_used_invitation_cannot_be_used_again(hanbit, alice, erin, make_user):
    _, token = invite(hanbit, alice)
    services.invitation_accept(token=token, user=erin)
    Membership.objects.filter(user=erin).delete()
    with pytest.raises(services.MembershipError) as error:
        services.invitation_accept(token=token, user=erin)
    assert error.value.code == "used"


def test_an_expired_invitation_is_refused(hanbit, alice, erin):
    invitation, token = invite(hanbit, alice)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(services.MembershipError) as error:
        services.invitation_accept(token=token, user=erin)
    assert error.value.code == "expired"
    assert not Membership.objects.filter(user=erin).exists()


def test_the_wrong_account_cannot_accept(hanbit, alice, make_user):
    _, token = invite(hanbit, alice)
    with pytest.raises(services.MembershipError) as error:
        services.invitation_accept(token=token, user=make_user("someone@else.example"))
    assert error.value.code == "wrong_account"


def test_someone_already_member_elsewhere_cannot_accept(hanbit, alice, mallory):
    _, token = invite(hanbit, alice, email=mallory.email)
    with pytest.raises(services.MembershipError) as error:
        services.invitation_accept(token=token, user=mallory)
    assert error.value.code == "member_elsewhere"


def test_a_withdrawn_invitation_is_refused(hanbit, alice, erin):
    invitation, token = invite(hanbit, alice)
    services.invitation_revoke(invitation=invitation, by=alice)
    with pytest.raises(services.MembershipError) as error:
        services.invitation_accept(token=token, user=erin)
    assert error.value.code == "revoked"


def test_a_new_invitation_replaces_the_open_one(hanbit, alice, erin):
    _, old = invite(hanbit, alice)
    _, new = invite(hanbit, alice)
    with pytest.raises(services.MembershipError):
        services.invitation_accept(token=old, user=erin)
    services.invitation_accept(token=new, user=erin)


def test_the_invitation_page_explains_the_problem_without_naming_the_invited_address(client, hanbit, alice,
                                                                                       make_user):
    _, token = invite(hanbit, alice)
    client.force_login(make_user("someone@else.example"))
    with translation.override("en"):
        response = client.get(reverse("members:invitation", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign in with the invited address" in response.text and "someone@else.example" in response.text
    assert "erin@hanbit" not in response.text
    response = client.post(reverse("members:invitation", args=[token]))
    assert not Membership.objects.filter(user__email="someone@else.example").exists()
    assert "erin@hanbit" not in client.get(reverse("my:dashboard"), follow=True).text  # nor in the message


def test_the_invitation_page_hides_the_invited_address_from_whoever_holds_the_link(client, hanbit, alice):
    _, token = invite(hanbit, alice)
    response = client.get(reverse("members:invitation", args=[token]))
    assert response.status_code == 200 and hanbit.name in response.text
    assert "erin@hanbit" not in response.text


def test_the_invitation_page_shows_the_invited_address_to_the_invitee(client, hanbit, alice, erin):
    _, token = invite(hanbit, alice)
    client.force_login(erin)
    response = client.get(reverse("members:invitation", args=[token]))
    assert "erin@hanbit.example" in response.text


def test_the_invitation_page_asks_strangers_to_sign_up_or_sign_in_and_come_back(client, hanbit, alice):
    _, token = invite(hanbit, alice)
    url = reverse("members:invitation", args=[token])
    response = client.get(url)
    assert response.status_code == 200 and hanbit.name in response.text
    back = urlencode({"next": url})
    assert f"{reverse('account_signup')}?{back}" in response.text
    assert f"{reverse('account_login')}?{back}" in response.text


def test_a_stranger_cannot_accept_without_signing_in(client, hanbit, alice):
    _, token = invite(hanbit, alice)
    response = client.post(reverse("members:invitation", args=[token]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not Membership.objects.filter(organization=hanbit, user__email="erin@hanbit.example").exists()


def test_an_unknown_token_is_404(client, erin):
    client.force_login(erin)
    assert client.get(reverse("members:invitation", args=["nope"])).status_code == 404


def test_accepting_through_the_page(client, hanbit, alice, erin):
    _, token = invite(hanbit, alice)
    client.force_login(erin)
    response = client.post(reverse("members:invitation", args=[token]))
    assert response["Location"] == reverse("my:dashboard")
    assert erin.membership.organization == hanbit


# --- roles and the last owner ------------------------------------------------------------------


def test_the_last_owner_cannot_leave(hanbit, alice):
    with pytest.raises(services.MembershipError) as error:
        services.membership_leave(membership=alice.membership)
    assert error.value.code == "last_owner"


def test_the_last_owner_cannot_step_down(hanbit, alice):
    with pytest.raises(services.MembershipError) as error:
        services.membership_change_role(membership=alice.membership, role="manager", by=alice)
    assert error.value.code == "last_owner"


def test_with_a_second_owner_the_first_may_leave(hanbit, alice, bob):
    services.membership_change_role(membership=bob.membership, role="owner", by=alice)
    services.membership_leave(membership=alice.membership)
    assert not Membership.objects.filter(user=alice).exists()


def test_the_last_owner_cannot_be_removed_by_a_co_owner_who_left_first(hanbit, alice, bob):
    services.membership_change_role(membership=bob.membership, role="owner", by=alice)
    services.membership_remove(membership=bob.membership, by=alice)
    with pytest.raises(services.MembershipError):
        services.membership_remove(membership=alice.membership, by=alice)


def test_managers_cannot_change_roles_or_remove_people(hanbit, carol, bob):
    with pytest.raises(services.MembershipError):
        services.membership_change_role(membership=bob.membership, role="manager", by=carol)
    with pytest.raises(services.MembershipError):
        services.membership_remove(membership=bob.membership, by=carol)


def test_a_member_may_leave(hanbit, bob):
    services.membership_leave(membership=bob.membership)
    assert not Membership.objects.filter(user=bob).exists()


# --- the stored people count (issue 19: Organization.people_count, kept by the membership services) -------------


def people(org):
    org.refresh_from_db(fields=["people_count"])
    return org.people_count


def test_registration_counts_its_owner(make_user, industry):
    owner = make_user("dana@dana.example")
    org = Organization(name="다나정밀", business_number=personas.business_number(), representative="김다나",
                       kind="company", tier="large", industry=industry, address="서울", employees=10)
    services.organization_register(organization=org, by=owner)
    assert people(org) == 1


def test_the_people_count_follows_joining_role_changes_removal_and_leaving(hanbit, alice, bob, erin):
    assert people(hanbit) == 2
    _, token = invite(hanbit, alice)
    services.invitation_accept(token=token, user=erin)
    assert people(hanbit) == 3
    erin_there = Membership.objects.get(user=erin)
    services.membership_change_role(membership=erin_there, role="manager", by=alice)
    assert people(hanbit) == 3
    services.membership_remove(membership=Membership.objects.get(user=bob), by=alice)
    assert people(hanbit) == 2
    services.membership_leave(membership=erin_there)
    assert people(hanbit) == 1


def test_the_people_count_does_not_change_with_the_membership_status(hanbit, bob, reviewer):
    services.organization_approve(organization=hanbit, by=reviewer)
    services.organization_suspend(organization=hanbit, by=reviewer, note="확인 요청")
    assert people(hanbit) == 2



def test_deleting_accounts_updates_their_organisations_people(hanbit, bob, carol):
    services.users_delete(users=[bob, carol])  # the admin's delete of users
    assert people(hanbit) == 1
