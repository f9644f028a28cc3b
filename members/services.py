"""Writes that touch several rows or send mail: registration, decisions, people, invitations.

Each function is keyword-only and atomic, locks the rows it decides on, checks the rule
again under the lock, and queues its mail in the same transaction (jobs.services.queue_mail), so a
decision and its mail commit together or not at all; the worker sends it.
"""

import copy
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from members import certificate_dates, changes
from members.access import MANAGER_NEEDED, OWNER_NEEDED
from members.models import (
    TIER_PROOF_UPLOAD,
    ChangeRequest,
    Invitation,
    Membership,
    Organization,
    OrganizationFieldChange,
    StatusChange,
    TierCertificate,
    User,
)
from portal.files import is_new_upload, keep_original_name, new_files_discarded_on_error
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
        people_count_refresh(organization_ids=[organization.pk])
        StatusChange.objects.create(organization=organization, by=by, from_status="", to_status=Status.PENDING)
        if organization.tier_proof:
            _record_stored_certificate(organization, source=TierCertificate.Source.REGISTRATION, by=by)
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, by) -> Organization:
    """Save the applicant's edits while the application is open: everything applies (the application is
    under review anyway), and each changed field is logged. After approval, `organization_change`."""
    current = _lock(organization)
    _require_manager(organization=current, user=by)
    if not current.is_editable_by_applicant:
        raise MembershipError(_("The details can be edited only while the application is open."), code="locked")
    organization.status = current.status
    organization.approved_at = current.approved_at
    organization.public_page = current.public_page
    TIER_PROOF_UPLOAD.validate(organization.tier_proof, field="tier_proof")
    keep_original_name(organization, "tier_proof", "tier_proof_name")
    organization.full_clean()
    new_proof = is_new_upload(organization.tier_proof)
    with new_files_discarded_on_error(organization):
        if new_proof:
            # The file it replaces stays in storage, named by its row in the certificate history.
            _keep_in_history(current)
        organization.save()
        if new_proof:
            _record_stored_certificate(organization, source=TierCertificate.Source.REGISTRATION, by=by)
        _log(organization=current, by=by, diff=changes.diff(current, organization))
    return organization


@transaction.atomic
def organization_staff_edit(*, organization: Organization, by, new_certificate=None) -> Organization:
    """Staff correct an organisation's details in the admin; its status moves only through the decisions.

    Every changed field is logged. With `new_certificate` (an upload), it becomes the proof of tier, with the
    number, validity and tier the form gives, confirmed by `by`: the same path as a member's renewal."""
    current = _lock(organization)
    organization.status = current.status
    organization.approved_at = current.approved_at
    organization.public_page = current.public_page
    certificate = None
    if new_certificate:
        TIER_PROOF_UPLOAD.validate(new_certificate, field="tier_proof")
        certificate = _new_certificate(
            current, by=by, file=new_certificate, number=organization.certificate_number,
            valid_until=organization.certificate_expires_on, tier=organization.tier,
            source=TierCertificate.Source.STAFF,
        )
        certificate.confirmed_by, certificate.confirmed_at = by, timezone.now()
    with new_files_discarded_on_error(*([certificate] if certificate else [])):
        if certificate is not None:
            _keep_in_history(current)
            certificate.save()
            _install_certificate(organization, certificate)
        organization.full_clean()
        organization.save()
        _log(organization=current, by=by, diff=changes.diff(current, organization),
             certificate=certificate is not None)
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
    people_count_refresh(organization_ids=[target.organization_id])


def membership_leave(*, membership: Membership) -> None:
    membership_remove(membership=membership, by=membership.user)


def people_count_refresh(*, organization_ids) -> None:
    """Store how many people each organisation has (Organization.people_count) from its memberships.

    Every service that adds or removes a membership calls it in its transaction (registration, accepting an
    invitation, removing or leaving, deleting accounts); code that writes memberships in bulk (seed_demo) calls it
    once for all. It counts rather than adds one, so a count is right after any mix of writes. An update, not a
    save: no signal, and no public page shows the count."""
    people = (Membership.objects.filter(organization=OuterRef("pk")).order_by().values("organization")
              .annotate(n=Count("pk")).values("n"))
    Organization.objects.filter(pk__in=organization_ids).update(
        people_count=Coalesce(Subquery(people, output_field=IntegerField()), 0))


@transaction.atomic
def users_delete(*, users) -> None:
    """Delete accounts (the admin's delete of users): their memberships go with them, and the organisations' people
    counts follow."""
    ids = [user.pk for user in users]
    organizations = list(Membership.objects.filter(user_id__in=ids).values_list("organization_id", flat=True))
    User.objects.filter(pk__in=ids).delete()
    people_count_refresh(organization_ids=organizations)


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
        # The invited address is not named: whoever holds the link learns nothing of the person it was for.
        return MembershipError(
            _("This invitation was sent to another address than the one you are signed in with (%(you)s). "
              "Sign in with the invited address to accept it."),
            code="wrong_account", params={"you": user.email},
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
    people_count_refresh(organization_ids=[invitation.organization_id])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- changes after approval: 통보성 at once, 승인성 through a change request (members.changes) ------------

CR_WORKFLOW = ChangeRequest.WORKFLOW
OPEN_REQUEST = _("A change request is already waiting for the secretariat: wait for its decision or withdraw it "
                 "before asking for another change.")


def _log(*, organization, by, diff, change_request=None, certificate=False):
    """One history row per changed field (append-only). With a new `certificate`, its number and validity
    are left out: the certificate's own row records them."""
    now = timezone.now()
    if certificate:
        diff = {name: values for name, values in diff.items() if name not in changes.CERTIFICATE_FIELDS}
    OrganizationFieldChange.objects.bulk_create([
        OrganizationFieldChange(organization_id=organization.pk, by=by, at=now, field=name, old_value=old,
                                new_value=new, change_request=change_request)
        for name, (old, new) in diff.items()
    ])


def _candidate(current, values):
    """A copy of `current` with `values` (Python values by field name) set: what the row would become."""
    candidate = copy.copy(current)
    candidate._state = copy.copy(current._state)
    for name, value in values.items():
        setattr(candidate, name, value)
    return candidate


@transaction.atomic
def organization_change(*, organization, by, values: dict, reason="") -> ChangeRequest | None:
    """An owner or manager changes the details of an approved (or suspended, rejected) organisation.

    `values` are Python values by field name (a form's cleaned data). Changed 통보성 fields apply at once and
    are logged; changed 승인성 fields become one change request (returned), and the organisation keeps its
    current values until staff approve it. While the application is open, see `organization_update`.
    """
    current = _lock(organization)
    _require_manager(organization=current, user=by)
    if current.is_editable_by_applicant:
        raise MembershipError(_("While the application is open, edit the application itself."),
                              code="application_open")
    unknown = set(values) - set(changes.NOTIFY_FIELDS) - set(changes.APPROVAL_FIELDS)
    if unknown:
        raise MembershipError(_("These details cannot be changed here."), code="not_changeable")
    candidate = _candidate(current, values)
    notify, approval = changes.split(changes.diff(current, candidate, names=tuple(values)))
    request = None
    if approval:
        if current.change_requests.open().exists():
            raise MembershipError(OPEN_REQUEST, code="open_request")
        if not (reason or "").strip():
            raise MembershipError({"reason": _("Say why these details change: the secretariat reads it.")},
                                  code="reason_required")
        for name in approval:
            if name == "tier" and candidate.tier != current.tier and candidate.needs_tier_proof:
                raise MembershipError(
                    {"tier": _("A change to this size tier comes with its certificate: upload the new "
                               "certificate on the certificate page instead.")}, code="certificate_needed")
        # The request must be one that could be approved as it stands.
        candidate.full_clean()
        request = ChangeRequest(
            organization=current, requested_by=by, reason=reason.strip(),
            changes={name: [old, new] for name, (old, new) in approval.items()},
        )
        request.full_clean()
        request.save()
    if notify:
        changes.assign(current, {name: new for name, (_old, new) in notify.items()})
        current.full_clean()
        current.save(update_fields=[*notify, "updated_at"])
        _log(organization=current, by=by, diff=notify)
    for name in notify:  # the caller's instance shows what applied, and only that
        setattr(organization, name, getattr(current, name))
    for name in approval:
        setattr(organization, name, getattr(current, name))
    return request


@transaction.atomic
def change_request_transition(*, change_request, name, by, note="") -> ChangeRequest:
    """Run the step `name` of ChangeRequest.WORKFLOW. Approving applies the proposed values (and the new
    certificate, if the request carries one) after checking the whole organisation again under its lock."""
    transition = CR_WORKFLOW[name]
    if transition.permission and not by.has_perm(transition.permission):
        raise WorkflowError(_("You may not decide on change requests."), code="not_allowed")
    # The organisation first, then the request: the order every change of the organisation locks in.
    org = _lock(Organization(pk=change_request.organization_id))
    if not transition.permission:
        _require_manager(organization=org, user=by)
    locked = (ChangeRequest.objects.select_for_update(of=("self",)).select_related("certificate")
              .get(pk=change_request.pk))
    CR_WORKFLOW.check(name, current=locked.status, seen=change_request.status, note=note)
    now = timezone.now()
    if transition.target == ChangeRequest.Status.APPROVED:
        before = copy.copy(org)
        changes.assign(org, locked.proposed())
        if locked.certificate is not None:
            _keep_in_history(before)
            _install_certificate(org, locked.certificate)
        try:
            org.full_clean()
        except ValidationError as error:
            raise WorkflowError(
                _("The change cannot be applied as it stands: %(reasons)s Reject it with a note instead."),
                code="invalid_now", params={"reasons": " ".join(error.messages)},
            ) from None
        org.save()
        _log(organization=org, by=by, diff=changes.diff(before, org), change_request=locked,
             certificate=locked.certificate is not None)
        if locked.certificate is not None:
            TierCertificate.objects.filter(pk=locked.certificate.pk).update(confirmed_by=by, confirmed_at=now)
    locked.status = transition.target
    locked.note = (note or "").strip()
    locked.decided_by, locked.decided_at = by, now
    locked.save(update_fields=["status", "note", "decided_by", "decided_at"])
    if transition.permission:
        _mail_change_decision(org, locked)
    change_request.status, change_request.decided_at = locked.status, locked.decided_at
    return locked


def change_request_approve(*, change_request, by, note="") -> ChangeRequest:
    return change_request_transition(change_request=change_request, name="approve", by=by, note=note)


def change_request_reject(*, change_request, by, note) -> ChangeRequest:
    return change_request_transition(change_request=change_request, name="reject", by=by, note=note)


def change_request_withdraw(*, change_request, by) -> ChangeRequest:
    """The organisation's owners or managers take back a request that waits."""
    return change_request_transition(change_request=change_request, name="withdraw", by=by)


def _managing_emails(organization):
    return list(Membership.objects.managing().filter(organization=organization).values_list("user__email", flat=True))


def _mail_change_decision(organization, change_request):
    recipients = _managing_emails(organization)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"organization": organization, "request": change_request,
                   "rows": changes.request_rows(change_request),
                   "url": absolute_reverse("my:dashboard")}
        subject = render_to_string("members/email/change_decision_subject.txt", context).strip()
        body = render_to_string("members/email/change_decision_message.txt", context)
    queue_mail(to=recipients, subject=subject, body=body)


# --- certificates: renewal by the organisation, confirmation and uploads by staff -----------------------


def _new_certificate(organization, *, by, file, number, valid_until, tier, source) -> TierCertificate:
    certificate = TierCertificate(
        organization=organization, file=file, number=(number or "").strip(), valid_until=valid_until,
        tier=tier or "", source=source, uploaded_by=by,
    )
    keep_original_name(certificate, "file", "original_name")
    certificate.full_clean()
    return certificate


def _install_certificate(organization, certificate):
    """Make `certificate` the organisation's proof of tier (the row is saved by the caller)."""
    organization.tier_proof = certificate.file.name
    organization.tier_proof_name = certificate.original_name
    organization.certificate_number = certificate.number
    organization.certificate_expires_on = certificate.valid_until
    if certificate.tier:
        organization.tier = certificate.tier


def _record_stored_certificate(organization, *, source, by):
    """A history row for the proof the organisation's row names now."""
    TierCertificate.objects.create(
        organization=organization, file=organization.tier_proof.name, original_name=organization.tier_proof_name,
        number=organization.certificate_number, valid_until=organization.certificate_expires_on,
        tier=organization.tier, source=source, uploaded_by=by,
    )


def _keep_in_history(current):
    """Before the proof is replaced: make sure a history row names the current file, so that it stays
    in storage (the orphan sweep keeps every file a row names). Files stored before the history existed
    get their row here."""
    if current.tier_proof and not TierCertificate.objects.filter(file=current.tier_proof.name).exists():
        TierCertificate.objects.create(
            organization=current, file=current.tier_proof.name, original_name=current.tier_proof_name,
            number=current.certificate_number, valid_until=current.certificate_expires_on, tier=current.tier,
            source=TierCertificate.Source.REGISTRATION, uploaded_at=current.created_at,
        )


@transaction.atomic
def certificate_renew(*, organization, by, file, number, valid_until, tier, reason="") -> TierCertificate:
    """An owner or manager uploads a renewed proof of tier.

    The same tier is a 통보성 change: the certificate becomes the proof at once (the previous one stays in the
    history) and waits for staff to confirm it. Another tier is a 승인성 change: a change request carrying
    the certificate; on approval the tier and the certificate apply together.
    """
    current = _lock(organization)
    _require_manager(organization=current, user=by)
    if current.kind != Organization.Kind.COMPANY:
        raise MembershipError(_("Only companies hold a proof of size tier."), code="not_a_company")
    TIER_PROOF_UPLOAD.validate(file, field="file")
    try:
        certificate_dates.validate_valid_until(valid_until)
    except ValidationError as error:
        raise MembershipError({"valid_until": error.error_list}) from None
    same_tier = tier == current.tier
    source = TierCertificate.Source.RENEWAL if same_tier else TierCertificate.Source.TIER_CHANGE
    certificate = _new_certificate(current, by=by, file=file, number=number, valid_until=valid_until, tier=tier,
                                   source=source)
    if not certificate.number:
        raise MembershipError({"number": _("Enter the certificate number.")}, code="number_required")
    if not same_tier:
        if current.change_requests.open().exists():
            raise MembershipError(OPEN_REQUEST, code="open_request")
        if not (reason or "").strip():
            raise MembershipError({"reason": _("Say why the size tier changes: the secretariat reads it.")},
                                  code="reason_required")
    with new_files_discarded_on_error(certificate):
        certificate.save()
        if same_tier:
            _keep_in_history(current)
            _install_certificate(current, certificate)
            current.full_clean()
            current.save()
        else:
            request = ChangeRequest(
                organization=current, requested_by=by, reason=reason.strip(), certificate=certificate,
                changes={"tier": [current.tier, tier]},
            )
            request.full_clean()
            request.save()
    return certificate


@transaction.atomic
def certificate_confirm(*, certificate, by) -> TierCertificate:
    """Staff confirm a renewal the organisation applied itself (one click; confirming twice is harmless)."""
    if not by.has_perm("members.decide_membership"):
        raise MembershipError(_("You may not confirm certificates."), code="not_allowed")
    locked = TierCertificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.confirmed_at is None:
        locked.confirmed_by, locked.confirmed_at = by, timezone.now()
        locked.save(update_fields=["confirmed_by", "confirmed_at"])
    certificate.confirmed_by, certificate.confirmed_at = locked.confirmed_by, locked.confirmed_at
    return locked
