"""The organisation's own pages under /my/: its status, details, people and invitations.

Every view gets the signed-in user's membership from `membership_required`, and refuses by the policy in
members.access: another organisation's object is a 404, a role too low for the action a 403 that says so.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from members import changes, services
from members.access import membership_required, own_or_404, require_manager, require_owner
from members.forms import CertificateRenewalForm, InvitationForm, OrganizationChangeForm, OrganizationForm, RoleForm
from members.models import ChangeRequest, Invitation, Membership, Organization
from members.timeline import organization_timeline
from portal import once, pagecache, reauth
from portal.workflow import WorkflowError

NEXT_STEPS = {
    Organization.Status.PENDING: _("The alliance secretariat reviews your registration. You will get an email "
                                   "when they decide; until then you can still correct your details."),
    Organization.Status.CHANGES_REQUESTED: _("The secretariat asked for changes (see their note). Edit your "
                                             "details, then send them again for review."),
    Organization.Status.APPROVED: _("Your organisation is a member of the alliance and may take part in "
                                    "lead projects."),
    Organization.Status.REJECTED: _("The registration was not accepted. Contact the secretariat if you have "
                                    "questions."),
    Organization.Status.SUSPENDED: _("The membership is suspended: your organisation cannot take part in lead "
                                     "projects until the secretariat reinstates it."),
}


@membership_required
def dashboard(request, membership):
    # Stored per organisation and viewer until anything it shows changes (portal.pagecache.scoped_page).
    return pagecache.scoped_page(request, membership.organization_id, lambda: _dashboard(request, membership),
                                 vary=(membership.pk, membership.role))


def _dashboard(request, membership):
    organization = membership.organization
    people = organization.memberships.select_related("user").order_by("joined_at", "pk")
    # The page shows neither who sent an invitation nor who changed the status: no joins to their users.
    invitations = list(organization.invitations.open()) if membership.can_manage else []
    timeline = organization_timeline(organization)
    staff_note = next(
        (e.note for e in timeline if e.kind == "status" and e.state == Organization.Status.CHANGES_REQUESTED), ""
    ) if organization.status == Organization.Status.CHANGES_REQUESTED else ""
    # The newest change request, open or decided, with the values it proposes beside the current ones.
    change_request = organization.change_requests.first()
    response = render(request, "members/my_dashboard.html", {
        "membership": membership,
        "organization": organization,
        "people": people,
        "invitations": invitations,
        "timeline": timeline,
        "change_request": change_request,
        "change_rows": changes.request_rows(change_request, organization if change_request.is_open else None)
        if change_request else [],
        "staff_note": staff_note,
        "next_step": NEXT_STEPS.get(organization.status, ""),
        "invite_form": InvitationForm(),
        "role_choices": Membership.Role.choices,
    })
    # An open invitation leaves the list when it expires, without a save.
    response.fresh_until = min((invitation.expires_at for invitation in invitations), default=None)
    return response


@membership_required
@require_http_methods(["GET", "POST"])
def edit(request, membership):
    """The organisation's details. While the application is open everything applies as it is saved; after
    that, 통보성 details apply at once and 승인성 ones become a change request (members.changes)."""
    require_manager(membership)
    organization = membership.organization
    if organization.is_editable_by_applicant:
        return _edit_application(request, organization)
    open_request = organization.change_requests.open().first()
    # The form works on its own copy: what it shows on a refusal must not leak into `organization`.
    form = OrganizationChangeForm(request.POST or None, instance=Organization.objects.get(pk=organization.pk),
                                  open_request=open_request)
    if request.method == "POST" and form.is_valid():
        try:
            change_request = services.organization_change(
                organization=organization, by=request.user, values=form.values(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.MembershipError as error:
            _add_errors(form, error)
        else:
            applied = [name for name in form.changed_data if name in changes.NOTIFY_FIELDS]
            if change_request is not None:
                messages.success(request, _("Saved. The changes that need the secretariat's approval were sent "
                                            "as a change request; until it is approved the current details stay."))
            elif applied:
                messages.success(request, _("Your details were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("my:dashboard")
    return render(request, "members/organization_change.html", {
        "form": form, "organization": organization, "open_request": open_request,
        "notify_label": changes.NOTIFY_LABEL, "approval_label": changes.APPROVAL_LABEL,
    })


def _edit_application(request, organization):
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=form.instance, by=request.user)
        except services.MembershipError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your details were saved."))
            if organization.business_number_warning:
                messages.warning(request, organization.business_number_warning)
            return redirect("my:dashboard")
    return render(request, "members/organization_edit.html", {"form": form, "organization": organization})


def _add_errors(form, error):
    """A service's refusal on the form: on the field it names when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@membership_required
@require_http_methods(["GET", "POST"])
def certificate(request, membership):
    """Upload a renewed proof of tier: the same tier applies at once, another one waits for approval."""
    require_manager(membership)
    organization = membership.organization
    if organization.kind != Organization.Kind.COMPANY:
        messages.info(request, _("Only companies hold a proof of size tier."))
        return redirect("my:dashboard")
    open_request = organization.change_requests.open().first()
    form = CertificateRenewalForm(request.POST or None, request.FILES or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.certificate_renew(
                organization=organization, by=request.user, file=data["file"], number=data["number"],
                valid_until=data["valid_until"], tier=data["tier"], reason=data["reason"],
            )
        except services.MembershipError as error:
            _add_errors(form, error)
        else:
            if form.changes_tier:
                messages.success(request, _("The certificate was sent with a change request for the new size "
                                            "tier; until the secretariat approves it, the current tier stays."))
            else:
                messages.success(request, _("The renewed certificate now applies. The secretariat will "
                                            "confirm it."))
            return redirect("my:dashboard")
    return render(request, "members/certificate_renew.html", {
        "form": form, "organization": organization, "open_request": open_request,
    })


@require_POST
@membership_required
def change_request_withdraw(request, membership, pk):
    change_request = own_or_404(ChangeRequest.objects.all(), membership, pk=pk)
    require_manager(membership)
    try:
        services.change_request_withdraw(change_request=change_request, by=request.user)
    except (WorkflowError, services.MembershipError) as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The change request was withdrawn."))
    return redirect("my:dashboard")


@require_POST
@membership_required
def resubmit(request, membership):
    require_manager(membership)
    try:
        services.organization_resubmit(organization=membership.organization, by=request.user)
    except (WorkflowError, services.MembershipError) as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Sent again for review."))
    return redirect("my:dashboard")


@require_POST
@membership_required
def public_page(request, membership):
    """An owner turns the organisation's public page on or off (the form on /my/ sends "1" or "0")."""
    require_owner(membership, _("Only owners may choose whether the organisation has a public page."))
    public = request.POST.get("public") == "1"
    try:
        services.organization_set_public_page(organization=membership.organization, public=public, by=request.user)
    except services.MembershipError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The organisation's public page is on.") if public
                         else _("The organisation's public page is off."))
    return redirect("my:dashboard")


@require_POST
@membership_required
def invite(request, membership):
    require_manager(membership)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            with once.spend(request, "my:invite") as spent:
                services.invitation_create(
                    organization=membership.organization, email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"], by=request.user,
                )
                spent.leads_to(reverse("my:dashboard"))
        except once.AlreadyDone as done:
            messages.info(request, done.message)
            return redirect(done.url or "my:dashboard")
        except once.Expired as expired:
            messages.error(request, expired.message)
        except services.MembershipError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect("my:dashboard")


@require_POST
@membership_required
def invitation_revoke(request, membership, pk):
    require_manager(membership)
    invitation = own_or_404(Invitation.objects.all(), membership, pk=pk)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("my:dashboard")


def _person(membership, pk):
    """A person of the user's own organisation; 404 for anyone else's."""
    return own_or_404(Membership.objects.select_related("user"), membership, pk=pk)


def _involves_ownership(person, role) -> bool:
    """Making someone owner, or an owner stepping down: a transfer of ownership, confirmed by re-authentication."""
    return Membership.Role.OWNER in (role, person.role)


@require_http_methods(["GET", "POST"])
@membership_required
def person_role(request, membership, pk):
    """POST changes a role. A change of ownership needs a recent re-authentication (portal.reauth); without it the
    POST goes to this page's GET, which asks for it, then shows the change to confirm."""
    person = _person(membership, pk)
    require_owner(membership, _("Only owners may change roles."))
    form = RoleForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("my:dashboard")
    role = form.cleaned_data["role"]
    here = f"{reverse('my:person-role', args=[person.pk])}?{urlencode({'role': role})}"
    if request.method == "GET":
        reauth.require_fresh(request)
        return render(request, "members/person_confirm.html", {
            "person": person, "action": here, "role": role, "role_label": Membership.Role(role).label,
            "title": _("Change the role of %(email)s") % {"email": person.user.email},
        })
    if _involves_ownership(person, role) and not reauth.confirmed_recently(request):
        return reauth.confirm_at(request, here)
    try:
        services.membership_change_role(membership=person, role=role, by=request.user)
    except services.MembershipError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The role of %(email)s was changed.") % {"email": person.user.email})
    return redirect("my:dashboard")


@require_http_methods(["GET", "POST"])
@membership_required
def person_remove(request, membership, pk):
    """POST removes a colleague (or oneself: leaving, which asks nothing more). Removing someone else needs a
    recent re-authentication, asked on this page's GET as for `person_role`."""
    person = _person(membership, pk)
    leaving = person.pk == membership.pk
    if not leaving:  # anyone may leave; removing someone else is for owners
        require_owner(membership, _("Only owners may remove people."))
    here = reverse("my:person-remove", args=[person.pk])
    if request.method == "GET":
        reauth.require_fresh(request)
        return render(request, "members/person_confirm.html", {
            "person": person, "action": here, "removing": True,
            "title": _("Remove %(email)s from the organisation") % {"email": person.user.email},
        })
    if not leaving and not reauth.confirmed_recently(request):
        return reauth.confirm_at(request, here)
    try:
        services.membership_remove(membership=person, by=request.user)
    except services.MembershipError as error:
        messages.error(request, error.messages[0])
        return redirect("my:dashboard")
    messages.success(request, _("%(email)s was removed from the organisation.") % {"email": person.user.email})
    return redirect("my:dashboard")


@require_POST
@membership_required
def leave(request, membership):
    try:
        services.membership_leave(membership=membership)
    except services.MembershipError as error:
        messages.error(request, error.messages[0])
        return redirect("my:dashboard")
    messages.success(request, _("You left %(name)s.") % {"name": membership.organization.name})
    return redirect("home")
