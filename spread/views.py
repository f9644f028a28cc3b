"""Public pages: the standard-model catalogue, each model's page with its adoption sites by region, its documents.

A site's adopting organisation and site name are shown only when the organisation is listed in the public directory
(its own choice, members.Organization.listed_in_directory); otherwise the page says only the region, the date and
the use. Evidence documents are never public.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from delivery.models import Project
from members.models import Organization
from portal.access import staff_may_read_private_files
from portal.files import serve_private_file
from portal.pagecache import public_page
from projects.models import Proposal
from spread.forms import CatalogueFilterForm
from spread.models import AdoptionSite, Region, StandardModel, StandardModelDocument

PER_PAGE = 12
SITES_PER_PAGE = 25
# A published model's documents may be kept by browsers and proxies for an hour: they are public.
PUBLIC_DOCUMENT_CACHE = "public, max-age=3600"


def _query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@public_page(params=("page", "area", "industry"))
@require_GET
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    models = (
        StandardModel.objects.published().with_sites_in_use().select_related("ai_area")
        .prefetch_related("industries").order_by("name_ko", "pk")
    )
    if form.is_valid():
        if form.cleaned_data["area"]:
            models = models.filter(ai_area__code=form.cleaned_data["area"])
        if form.cleaned_data["industry"]:
            models = models.filter(
                pk__in=StandardModel.objects.filter(industries__code=form.cleaned_data["industry"]).values("pk"))
    page = Paginator(models, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "spread/catalogue.html", {
        "form": form, "page": page, "filter_query": _query_without_page(request),
    })


@public_page(params=("page",))
@require_GET
def model_detail(request, pk):
    standard_model = get_object_or_404(
        StandardModel.objects.published().select_related("ai_area").prefetch_related(
            "industries", "documents",
            Prefetch("suppliers", queryset=Organization.objects.order_by("name")),
            Prefetch("projects", queryset=Project.objects.select_related("proposal").order_by("proposal__title")),
        ),
        pk=pk,
    )
    confirmed = AdoptionSite.objects.confirmed().filter(standard_model=standard_model)
    counts = {region: {"in_use": 0, "planned": 0, "stopped": 0} for region in Region.values}
    for row in confirmed.values("region", "use_status").annotate(n=Count("pk")).order_by():
        counts[row["region"]][row["use_status"]] = row["n"]
    regions = [{"label": region.label, **counts[region.value]} for region in Region
               if any(counts[region.value].values())]
    sites = Paginator(
        confirmed.select_related("organization").only(
            "region", "site_name", "adopted_on", "use_status", "organization__name", "organization__status",
            "organization__listed_in_directory", "organization__public_page",
        ).order_by("region", "organization__name", "site_name", "pk"),
        SITES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    region_labels = dict(Region.choices)
    for site in sites:
        site.region_label = region_labels[site.region]
        site.shown = site.organization.status in Organization.MAY_TAKE_PART and site.organization.listed_in_directory
    return render(request, "spread/model_detail.html", {
        "model": standard_model, "regions": regions, "sites": sites,
        "in_use": sum(row["in_use"] for row in regions),
        "shown_publicly": set(Proposal.SHOWN_PUBLICLY),
    })


@require_GET
def document(request, pk):
    """A public document: anyone's once its model is published; before that, staff who may view standard models."""
    doc = get_object_or_404(StandardModelDocument.objects.select_related("standard_model"), pk=pk)
    public = doc.standard_model.is_published
    if not (public or staff_may_read_private_files(request.user, "spread.view_standardmodel")):
        raise Http404
    # A published document is no person's data: its downloads are not access records.
    return serve_private_file(request, doc.file, download_name=doc.original_name or "document", record=not public,
                              cache_control=PUBLIC_DOCUMENT_CACHE if public else "private, no-store")


def project_page_context(proposal):
    """What the public project page (projects.views.project_detail, through projects.views.project_page_parts) adds:
    the published standard models built from the proposal's running project (one query)."""
    models = StandardModel.objects.from_proposal(proposal).select_related("ai_area").order_by("name_ko", "pk")
    return {"standard_models": list(models)}
