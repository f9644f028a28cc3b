from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members import services
from members.forms import DirectoryFilterForm, InvitationForm, OrganizationForm, RoleForm
from members.models import Invitation, Membership, Organization
from portal.files import serve_private_file
from portal.pagecache import public_page

# The tier mix announced at the alliance's launch, in percent of companies.
LAUNCH_MIX = {Organization.Tier.LARGE: 21, Organization.Tier.MIDSIZE: 23, Organization.Tier.SME: 56}
DIRECTORY_PAGE_SIZE = 20


# --- public directory -------------------------------------------------------------------------


@public_page(params=("q", "kind", "tier", "industry", "page"))
@require_GET
def directory(request):
    listed = Organization.objects.listed()
    form = DirectoryFilterForm(request.GET or None)
    organizations = form.filter(listed).select_related("industry").order_by("name", "pk")
    page = Paginator(organizations, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "members/directory.html", {
        "form": form,
        "page": page,
        "querystring": query.urlencode(),
        "tier_mix": _tier_mix(listed),
    })


def _tier_mix(listed):
    """Listed companies by tier, in one query, beside the launch mix."""
    counts = listed.aggregate(
        institutions=Count("pk", filter=Q(kind=Organization.Kind.INSTITUTION)),
        **{tier.value: Count("pk", filter=Q(kind=Organization.Kind.COMPANY, tier=tier)) for tier in LAUNCH_MIX},
    )
    companies = sum(counts[tier.value] for tier in LAUNCH_MIX)
    rows = [
        {
            "label": tier.label,
            "count": counts[tier.value],
            "percent": round(100 * counts[tier.value] / companies) if companies else 0,
            "launch_percent": launch,
        }
        for tier, launch in LAUNCH_MIX.items()
    ]
    return {"rows": rows, "companies": companies, "institutions": counts["institutions"]}


# --- registration -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    if Membership.objects.filter(user=request.user).exists():
        messages.info(request, _("You already belong to an organisation."))
        return redirect("my:dashboard")
    form = OrganizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_register(organization=form.instance, by=request.user)
        except services.MembershipError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. Your registration was received and waits for review."))
            return redirect("my:dashboard")
    return render(request, "members/organization_register.html", {"form": form})


# --- invitations ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = services.invitation_for_token(token)
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, user=request.user)
        except services.MembershipError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Welcome: you joined %(name)s.") % {"name": invitation.organization.name})
            return redirect("my:dashboard")
    problem = services.invitation_problem(invitation, request.user)
    return render(request, "members/invitation.html", {
        "invitation": invitation if problem is None or problem.code != "unknown" else None,
        "problem": problem.messages[0] if problem else "",
    }, status=404 if invitation is None else 200)


# --- private documents ------------------------------------------------------------------------


@login_required
def tier_proof(request, pk):
    """The proof-of-tier PDF, for the organisation's own people and entitled staff; 404 for anyone else."""
    organization = get_object_or_404(Organization.objects.documents_readable_by(request.user).distinct(), pk=pk)
    if not organization.tier_proof:
        raise Http404
    return serve_private_file(request, organization.tier_proof, download_name=organization.tier_proof_name)


# --- the organisation's own page (/my/) -------------------------------------------------------


def _my_membership(request):
    return (
        Membership.objects.select_related("organization", "organization__industry").filter(user=request.user).first()
    )


def _require_membership(view):
    """Pass the signed-in user's membership to the view; users without one go to registration."""

    @login_required
    def wrapped(request, *args, **kwargs):
        membership = _my_membership(request)
        if membership is None:
            return redirect("members:register")
        return view(request, membership, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


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


@_require_membership
def dashboard(request, membership):
    organization = membership.organization
    people = organization.memberships.select_related("user").order_by("joined_at", "pk")
    # The page shows neither who sent an invitation nor who changed the status: no joins to their users.
    invitations = organization.invitations.open() if membership.can_manage else []
    history = list(organization.status_changes.order_by("-at", "-pk"))
    staff_note = next(
        (c.note for c in history if c.to_status == Organization.Status.CHANGES_REQUESTED), ""
    ) if organization.status == Organization.Status.CHANGES_REQUESTED else ""
    return render(request, "members/my_dashboard.html", {
        "membership": membership,
        "organization": organization,
        "people": people,
        "invitations": invitations,
        "history": history,
        "staff_note": staff_note,
        "next_step": NEXT_STEPS.get(organization.status, ""),
        "invite_form": InvitationForm(),
        "role_choices": Membership.Role.choices,
    })


def _require_manager_role(membership):
    if not membership.can_manage:
        raise Http404


@_require_membership
@require_http_methods(["GET", "POST"])
def edit(request, membership):
    _require_manager_role(membership)
    organization = membership.organization
    if not organization.is_editable_by_applicant:
        messages.error(request, _("The details can be edited only while the application is open."))
        return redirect("my:dashboard")
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=form.instance, by=request.user)
        except services.MembershipError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect("my:dashboard")
    return render(request, "members/organization_edit.html", {"form": form, "organization": organization})


@require_POST
@_require_membership
def resubmit(request, membership):
    _require_manager_role(membership)
    try:
        services.organization_resubmit(organization=membership.organization, by=request.user)
    except services.MembershipError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Sent again for review."))
    return redirect("my:dashboard")


@require_POST
@_require_membership
def invite(request, membership):
    _require_manager_role(membership)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organization=membership.organization, email=form.cleaned_data["email"],
                role=form.cleaned_data["role"], by=request.user, site_url=request.build_absolute_uri("/"),
            )
        except services.MembershipError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect("my:dashboard")


@require_POST
@_require_membership
def invitation_revoke(request, membership, pk):
    _require_manager_role(membership)
    invitation = get_object_or_404(Invitation, pk=pk, organization=membership.organization)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("my:dashboard")


def _person(membership, pk):
    """A person of the user's own organisation; 404 for anyone else's."""
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, organization=membership.organization)


@require_POST
@_require_membership
def person_role(request, membership, pk):
    person = _person(membership, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("my:dashboard")
    try:
        services.membership_change_role(membership=person, role=form.cleaned_data["role"], by=request.user)
    except services.MembershipError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The role of %(email)s was changed.") % {"email": person.user.email})
    return redirect("my:dashboard")


@require_POST
@_require_membership
def person_remove(request, membership, pk):
    person = _person(membership, pk)
    try:
        services.membership_remove(membership=person, by=request.user)
    except services.MembershipError as error:
        messages.error(request, error.messages[0])
        return redirect("my:dashboard")
    messages.success(request, _("%(email)s was removed from the organisation.") % {"email": person.user.email})
    return redirect("my:dashboard")


@require_POST
@_require_membership
def leave(request, membership):
    try:
        services.membership_leave(membership=membership)
    except services.MembershipError as error:
        messages.error(request, error.messages[0])
        return redirect("my:dashboard")
    messages.success(request, _("You left %(name)s.") % {"name": membership.organization.name})
    return redirect("home")
