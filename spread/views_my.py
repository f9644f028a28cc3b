"""The company side of adoption sites (/my/sites/): report a site, change it, read its evidence.

A site is reachable only from the organisations it involves: the adopting organisation and the suppliers of its
standard model (`AdoptionSite.objects.involving`); for anyone else it is a 404. Within those organisations only owners
and managers act for them (members.access: 403 with the role needed).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from members.access import membership_required, require_manager
from members.models import Membership
from portal import once
from portal.access import staff_may_read_private_files
from portal.files import serve_private_file
from spread import services
from spread.forms import SiteForm
from spread.models import AdoptionSite

PER_PAGE = 25
CREATE = "my-sites:create"


def _site(membership, pk):
    """A site that involves the member's organisation (404 otherwise), for one of its owners or managers (403)."""
    site = get_object_or_404(
        AdoptionSite.objects.involving(membership.organization).select_related("standard_model", "organization"),
        pk=pk,
    )
    require_manager(membership)
    return site


@require_GET
@membership_required
def site_list(request, membership):
    require_manager(membership)
    sites = (
        AdoptionSite.objects.involving(membership.organization).select_related("standard_model", "organization")
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(sites, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "spread/site_list.html", {"page": page, "membership": membership})


@membership_required
def site_create(request, membership):
    require_manager(membership)
    form = SiteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with once.spend(request, CREATE) as spent:
                site = services.site_submit(
                    by=request.user, standard_model=data["standard_model"],
                    organization=data["adopter_business_number"] or membership.organization,
                    evidence=data["evidence"], **{name: data[name] for name in services.SITE_FIELDS},
                )
                spent.leads_to(reverse("my-sites:edit", args=[site.pk]))
        except once.AlreadyDone as done:
            messages.info(request, done.message)
            return redirect(done.url or "my-sites:list")
        except once.Expired as expired:
            form.add_error(None, expired.message)
        except PermissionDenied:
            form.add_error(None, _("Only the adopting organisation and the suppliers of the standard model may "
                                   "report its sites: for another organisation's site, choose a model you supply."))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The site was reported. The alliance checks the evidence and confirms it."))
            return redirect("my-sites:list")
    return render(request, "spread/site_form.html", {"form": form, "site": None})


@membership_required
def site_edit(request, membership, pk):
    site = _site(membership, pk)
    initial = {name: getattr(site, name) for name in services.SITE_FIELDS}
    form = SiteForm(request.POST or None, request.FILES or None, site=site, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.site_update(site=site, by=request.user, evidence=data.get("evidence"),
                                 **{name: data[name] for name in services.SITE_FIELDS})
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The changes were sent. The alliance checks the site again before it "
                                        "counts."))
            return redirect("my-sites:list")
    return render(request, "spread/site_form.html", {
        "form": form, "site": site, "history": site.history.order_by("at", "pk"),
    })


@require_GET
@login_required
def site_evidence(request, pk):
    """The evidence: the owners and managers of the organisations the site involves, and staff with MFA allowed to
    view adoption sites; every download is an access record."""
    if staff_may_read_private_files(request.user, "spread.view_adoptionsite"):
        site = get_object_or_404(AdoptionSite, pk=pk)
    else:
        membership = Membership.objects.of(request.user)
        if membership is None:
            return redirect("members:register")
        site = _site(membership, pk)
    return serve_private_file(request, site.evidence, download_name=site.evidence_name or "evidence")
