"""Public pages: calls for proposals and the projects they selected."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.pagecache import public_page
from projects.models import Call, Proposal

PAST_CALLS_PER_PAGE = 5
# The list shows a call's first selected projects; the call's own page lists them all, paginated,
# so neither page grows with the number of projects.
SELECTED_PER_CALL_IN_LIST = 10
SELECTED_PER_PAGE = 25


def _selected_projects_queryset():
    return (
        Proposal.objects.selected().select_related("lead", "industry").prefetch_related("ai_areas")
        .order_by("title", "pk")
    )


@public_page(params=("page",))
@require_GET
def call_list(request):
    now = timezone.now()
    current = list(Call.objects.filter(closes_at__gt=now).order_by("closes_at", "pk"))
    for call in current:
        call.open_now = call.is_open(now)
        call.d_day = call.days_left(now)
    past = (
        Call.objects.past(now)
        .annotate(selected_count=Count("proposals", filter=Q(proposals__status=Proposal.Status.SELECTED)))
        .order_by("-closes_at", "-pk")
        .prefetch_related(
            Prefetch(
                "proposals",
                queryset=_selected_projects_queryset()[:SELECTED_PER_CALL_IN_LIST],
                to_attr="selected_projects",
            )
        )
    )
    page = Paginator(past, PAST_CALLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/call_list.html", {"current_calls": current, "page": page})


@public_page(params=("page",))
@require_GET
def call_detail(request, pk):
    now = timezone.now()
    call = get_object_or_404(Call.objects.prefetch_related("criteria"), pk=pk)
    call.open_now = call.is_open(now)
    call.d_day = call.days_left(now)
    selected = Paginator(_selected_projects_queryset().filter(call=call), SELECTED_PER_PAGE)
    return render(
        request,
        "projects/call_detail.html",
        {"call": call, "now": now, "selected_page": selected.get_page(request.GET.get("page"))},
    )
