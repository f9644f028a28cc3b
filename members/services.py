"""Writes that touch several rows or send mail: registration, decisions, people, invitations.

Each function is keyword-only and atomic, locks the rows it decides on, checks the rule
again under the lock, and queues its mail in the same transaction (jobs.services.queue_mail), so a
decision and its mail commit together or not at all; the worker sends it.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from members.access import MANAGER_NEEDED, OWNER_NEEDED
from members.models import TIER_PROOF_UPLOAD, Invitation, Membership, Organization, StatusChange
from portal.files import delete_file_on_commit, keep_original_name, new_files_discarded_on_error
from portal.links import absolute_reverse
from portal.workflow import WorkflowError

Status = Organization.Status
Role = Membership.Role


class MembershipError(ValidationError):
    """A rule about people and invitations was broken; the message is meant for the user.

    Refused status changes raise portal.workflow.WorkflowError instead.
    """


# --- registration and the status machine ------------------------------------------------------


@transaction.atomic
def organization_register(*, organization: Organization, by) -> Organization:
    """Save a new organisation (built by the registration form) with `by` as its owner."""
    if Membership.objects.filter(user=by).exists():
        raise MembershipError(_("You already belong to an organisation."), code="already_member")
    organization.status = Status.PENDING
    TIER_PROOF_UPLOAD.validate(organization.tier_proof, field="tier_proof")
    keep_original_name(organization, "tier_proof", "tier_proof_name")
    organization.full_clean()
    with new_files_discarded_on_error(organization):
        organization.save()
        membership = Membership(user=by, organization=organization, role=Role.OWNER)
        membership.full_clean(validate_unique=False)
        membership.save()
        StatusChange.objects.create(organization=organization, by=by, from_status="", to_status=Status.PENDING)
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, by) -> Organization:
    """Save the applicant's edits; allowed only while the application is open."""
    current = _lock(organization)
    _require_manager(organization=current, user=by)
    if not current.is_editable_by_applicant:
        raise MembershipError(_("The details can be edited only while the application is open."), code="locked")
    organization.status = current.status
    organization.approved_at = current.approved_at
    TIER_PROOF_UPLOAD.validate(organization.tier_proof, field="tier_proof")
    keep_original_name(organization, "tier_proof", "tier_proof_name")
    organization.full_clean()
    # A new proof replaces the old one: nothing names the old file once this commits.
    delete_file_on_commit(organization, "tier_proof")
    with new_files_discarded_on_error(organization):
        organization.save()
    return organization


@transaction.atomic
def organization_staff_edit(*, organization: Organization, by) -> Organization:
    """Staff correct an organisation's details in the admin; its status moves only through the decisions."""
    current = _lock(organization)
    organization.status = current.status
    organization.approved_at = current.approved_at
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def organization_set_public_page(*, organization: Organization, public: bool, by) -> Organization:
    """An owner turns the organisation's public page on or off: the company's choice, so owners only."""
    current = _lock(organization)
    if not Membership.objects.filter(organization=current, user=by, role=Role.OWNER).exists():
        raise MembershipError(OWNER_NEEDED, code="not_allowed")
    current.public_page = bool(public)
    current.save(update_fields=["public_page", "updated_at"])
    organization.public_page = current.public_page
    return current


def _lock(organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


WORKFLOW = Organization.WORKFLOW
@transaction.atomic
def organization_transition(*, organization, name, by, note="") -> Organization:
    """Run the membership step `name` (a row of Organization.WORKFLOW) on `organization`."""
    transition = WORKFLOW[name]
    if transition.permission and not by.has_perm(transition.permission):
        raise WorkflowError(_("You may not decide on memberships."), code="not_allowed")
    if not transition.permission:
        _require_manager(organization=organization, user=by)
    org = _lock(organization)
    WORKFLOW.check(name, current=org.status, seen=organization.status, note=note)
    note = (note or "").strip()
    from_status = org.status
    org.status = transition.target
    if org.status == Status.APPROVED and org.approved_at is None:
        org.approved_at = timezone.now()
    org.save(update_fields=["status", "approved_at", "updated_at"])
    change = StatusChange.objects.create(
        organization=org, by=by, from_status=from_status, to_status=org.status, note=note
    )
    _mail_decision(org, change)
    # Keep the caller's instance in step with the database.
    organization.status, organization.approved_at = org.status, org.approved_at
    return org


def organization_approve(*, organization, by, note="") -> Organization:
    return organization_transition(organization=organization, name="approve", by=by, note=note)


def organization_reject(*, organization, by, note) -> Organization:
    return organization_transition(organization=organization, name="reject", by=by, note=note)


def organization_request_changes(*, organization, by, note) -> Organization:
    return organization_transition(organization=organization, name="request_changes", by=by, note=note)


def organization_suspend(*, organization, by, note) -> Organization:
    return organization_transition(organization=organization, name="suspend", by=by, note=note)


def organization_reinstate(*, organization, by, note="") -> Organization:
    return organization_transition(organization=organization, name="reinstate", by=by, note=note)


def organization_resubmit(*, organization, by, note="") -> Organization:
    """The applicant sends the edited details back for review."""
    return organization_transition(organization=organization, name="resubmit", by=by, note=note)


DECISIONS = {
    "approve": organization_approve,
    "reject": organization_reject,
    "request_changes": organization_request_changes,
    "suspend": organization_suspend,
    "reinstate": organization_reinstate,
}


def _owner_emails(organization):
    return list(
        Membership.objects.filter(organization=organization, role=Role.OWNER).values_list("user__email", flat=True)
    )


def _mail_decision(organization, change):
    recipients = _owner_emails(organization)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"organization": organization, "change": change, "url": absolute_reverse("my:dashboard")}
        subject = render_to_string("members/email/decision_subject.txt", context).strip()
        body = render_to_string("members/email/decision_message.txt", context)
    queue_mail(to=recipients, subject=subject, body=body)


# --- people -----------------------------------------------------------------------------------


def _require_manager(*, organization, user):
    if not Membership.objects.managing().filter(organization=organization, user=user).exists():
        raise MembershipError(MANAGER_NEEDED, code="not_allowed")


def _locked_memberships(organization):
    return list(Membership.objects.select_for_update().filter(organization=organization).order_by("pk"))


@transaction.atomic
def membership_change_role(*, membership: Membership, role, by) -> Membership:
    """Owners change roles; the last owner cannot step down."""
    people = _locked_memberships(membership.organization_id)
    if not any(m.user_id == by.pk and m.role == Role.OWNER for m in people):
        raise MembershipError(_("Only owners may change roles."), code="not_allowed")
    target = next((m for m in people if m.pk == membership.pk), None)
    if target is None:
        raise MembershipError(_("This person is not in your organisation."), code="not_found")
    if role not in Role.values:
        raise MembershipError(_("Unknown role."), code="bad_role")
    owners = [m for m in people if m.role == Role.OWNER]
    if target.role == Role.OWNER and role != Role.OWNER and len(owners) == 1:
        raise MembershipError(
            _("An organisation needs at least one owner: make someone else owner first."), code="last_owner"
        )
    target.role = role
    target.save(update_fields=["role"])
    return target


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """An owner removes a person; `by` may be the person themselves (leaving)."""
    people = _locked_memberships(membership.organization_id)
    target = next((m for m in people if m.pk == membership.pk), None)
    if target is None:
        raise MembershipError(_("This person is not in your organisation."), code="not_found")
    leaving = target.user_id == by.pk
    if not leaving and not any(m.user_id == by.pk and m.role == Role.OWNER for m in people):
        raise MembershipError(_("Only owners may remove people."), code="not_allowed")
    if target.role == Role.OWNER and sum(m.role == Role.OWNER for m in people) == 1:
        raise MembershipError(
            _("The last owner cannot leave or be removed: make someone else owner first."), code="last_owner"
        )
    target.delete()


def membership_leave(*, membership: Membership) -> None:
    membership_remove(membership=membership, by=membership.user)


# --- invitations ------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, organization, email, role=Role.MEMBER, by) -> tuple[Invitation, str]:
    """Invite `email` to join; returns the invitation and its token (mailed; once sent, only its hash is kept)."""
    _require_manager(organization=organization, user=by)
    email = email.strip().lower()
    if role not in (Role.MANAGER, Role.MEMBER):
        raise MembershipError(_("Invite people as managers or members."), code="bad_role")
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise MembershipError(_("This person is already in your organisation."), code="already_here")
    # A new invitation to the same address replaces any earlier one that was not used.
    Invitation.objects.filter(
        organization=organization, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        organization=organization, email=email, role=role, invited_by=by,
        token_hash=Invitation.hash_token(token), created_at=now, expires_at=now + Invitation.VALID_FOR,
    )
    invitation.full_clean()
    invitation.save()
    _mail_invitation(invitation, absolute_reverse("members:invitation", token))
    return invitation, token


def _mail_invitation(invitation, url):
    with translation.override(settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "url": url}
        subject = render_to_string("members/email/invitation_subject.txt", context).strip()
        body = render_to_string("members/email/invitation_message.txt", context)
    queue_mail(to=invitation.email, subject=subject, body=body)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> None:
    _require_manager(organization=invitation.organization, user=by)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None, user) -> MembershipError | None:
    """Why `user` cannot accept `invitation` now, or None if they can (with `user` None: whether
    anyone still could)."""
    if invitation is None:
        return MembershipError(_("This invitation link is not valid."), code="unknown")
    if invitation.accepted_at is not None:
        return MembershipError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        return MembershipError(_("This invitation was withdrawn or replaced by a newer one."), code="revoked")
    if invitation.is_expired():
        return MembershipError(
            _("This invitation has expired. Ask for a new one: invitations are valid for 7 days."), code="expired"
        )
    if user is None:
        return None
    if user.email.lower() != invitation.email.lower():
        return MembershipError(
            _("This invitation was sent to %(email)s, but you are signed in as %(you)s. "
              "Sign in with the invited address to accept it."),
            code="wrong_account", params={"email": invitation.email, "you": user.email},
        )
    if Membership.objects.filter(user=user).exists():
        return MembershipError(
            _("You already belong to an organisation. A person can belong to only one: leave it first."),
            code="member_elsewhere",
        )
    return None


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """Join the inviting organisation. Single use: the invitation row is locked and marked accepted."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=Invitation.hash_token(token)).first()
    problem = invitation_problem(invitation, user)
    if problem is not None:
        raise problem
    membership = Membership(user=user, organization_id=invitation.organization_id, role=invitation.role)
    membership.full_clean(validate_unique=False)
    membership.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
