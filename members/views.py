"""Public member pages: the directory, registration, invitation links and the private proof of tier.

The organisation's own pages (/my/) are in views_my.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from members import journey, services
from members.forms import DirectoryFilterForm, OrganizationForm
from members.models import Membership, Organization, TierCertificate
from portal import derived, once, pagination
from portal.files import serve_private_file
from portal.pagecache import public_page
from portal.pagination import DeferredJoinPaginator

DIRECTORY_PAGE_SIZE = 20
# A search or a filter is counted up to this many members (portal.pagination): beyond it, the visitor narrows it.
DIRECTORY_COUNT_LIMIT = 500
# Listed of a search with more matches (its pages check the members in the directory's order: portal.db.search).
DIRECTORY_CAPPED_ROWS = 200


# --- public directory -------------------------------------------------------------------------


LISTED_BY_GROUP = "members.listed_by_group"


def listed_by_group():
    """{group: listed members} (portal.derived: counted by the worker, as it reads every listed member)."""
    return dict(Organization.objects.listed().count_by_group())


DIRECTORY_ORDER = ("name", "pk")  # the org_directory_order index's
DIRECTORY_MARKS = "members.directory-marks"


def directory_marks():
    """Where every thousandth listed member is, for the directory's deep pages (portal.pagination.marks)."""
    return pagination.marks(Organization.objects.listed().order_by(*DIRECTORY_ORDER))


@public_page(params=("q", "kind", "tier", "industry", "page"))
@require_GET
def directory(request):
    listed = Organization.objects.listed()
    form = DirectoryFilterForm(request.GET or None)
    # In the order of the org_directory_order index (listed members by name), which serves the page and its count.
    organizations, counted = form.matches(listed.select_related("industry").order_by(*DIRECTORY_ORDER),
                                          limit=DIRECTORY_COUNT_LIMIT)
    stored = derived.get(LISTED_BY_GROUP)
    listed_by_group = {group: stored.get(group, 0) for group in Organization.Group.values}  # without computed_at
    if form.narrows():
        paginator = DeferredJoinPaginator(organizations, DIRECTORY_PAGE_SIZE, count_limit=DIRECTORY_COUNT_LIMIT,
                                          counted=counted, capped_rows=DIRECTORY_CAPPED_ROWS)
    else:
        # Counted already by the worker: the mix has every listed member (a moment behind a change, at most).
        paginator = DeferredJoinPaginator(organizations, DIRECTORY_PAGE_SIZE,
                                          estimated_count=sum(listed_by_group.values()),
                                          marks=derived.get(DIRECTORY_MARKS))
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "members/directory.html", {
        "form": form,
        "page": page,
        "querystring": query.urlencode(),
        # Set beside the launch mix by the page (stats' tier_mix tag): the launch mix is the alliance's data.
        "listed_by_group": listed_by_group,
    })


# --- registration -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    if Membership.objects.filter(user=request.user).exists():
        messages.info(request, _("You already belong to an organisation."))
        return redirect("my:dashboard")
    form = OrganizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        try:
            if form.is_valid():
                with once.spend(request, "members:register") as spent:
                    services.organization_register(organization=form.instance, by=request.user)
                    spent.leads_to(reverse("my:dashboard"))
                messages.success(request, _("Thank you. Your registration was received and waits for review."))
                _warn_about_business_number(request, form.instance)
                return redirect("my:dashboard")
            once.check(request, "members:register")  # "number already registered": by this form's first POST?
        except once.AlreadyDone as done:
            messages.info(request, done.message)
            return redirect(done.url or "my:dashboard")
        except once.Expired as expired:
            form.add_error(None, expired.message)
        except services.MembershipError as error:
            form.add_error(None, error)
    return render(request, "members/organization_register.html", {"form": form})


def _warn_about_business_number(request, organization):
    """A type code that does not fit the kind is a doubt, not an error: say it once, save anyway (staff see it
    in the admin's "business number vs kind" filter and on the change page)."""
    if organization.business_number_warning:
        messages.warning(request, organization.business_number_warning)


# --- invitations ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    if not request.user.is_authenticated:
        return _invitation_for_visitor(request, token)
    invitation = services.invitation_for_token(token)
    journey.forget_invitation(request)  # arrived: later sign-ins go where they usually go
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
        # The invited address only to the person signed in with it (after signing up with it, too).
        "invited_email": invitation.email if invitation and _is_invitee(request.user, invitation) else "",
        "problem": problem.messages[0] if problem else "",
    }, status=404 if invitation is None else 200)


def _is_invitee(user, invitation) -> bool:
    return user.email.lower() == invitation.email.lower()


def _invitation_for_visitor(request, token):
    """Someone not signed in opened an invitation: say what it is and how to get in (sign up or sign in,
    then back here); the session remembers it through sign-up and the email confirmation. The invited address is
    not shown: anyone may hold the link."""
    if request.method == "POST":
        return redirect_to_login(request.get_full_path())
    invitation = services.invitation_for_token(token)
    problem = services.invitation_problem(invitation, None)
    if problem is None:
        journey.remember_invitation(request, token)
    back = urlencode({"next": request.path})
    return render(request, "members/invitation.html", {
        "invitation": invitation if problem is None or problem.code != "unknown" else None,
        "problem": problem.messages[0] if problem else "",
        "signup_url": f"{reverse('account_signup')}?{back}",
        "login_url": f"{reverse('account_login')}?{back}",
    }, status=404 if invitation is None else 200)


# --- private documents ------------------------------------------------------------------------


@login_required
def tier_proof(request, pk):
    """The proof-of-tier PDF, for the organisation's own people and entitled staff; 404 for anyone else."""
    organization = get_object_or_404(Organization.objects.documents_readable_by(request.user).distinct(), pk=pk)
    if not organization.tier_proof:
        raise Http404
    return serve_private_file(request, organization.tier_proof, download_name=organization.tier_proof_name)


@login_required
def certificate_file(request, pk):
    """One version of the proof of tier from the organisation's history, for the same people as the current one."""
    readable = Organization.objects.documents_readable_by(request.user)
    certificate = get_object_or_404(TierCertificate.objects.filter(organization__in=readable.values("pk")), pk=pk)
    return serve_private_file(request, certificate.file, download_name=certificate.original_name)
