"""Public pages: calls for proposals and the projects they selected."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from projects.models import Call, Proposal

PAST_CALLS_PER_PAGE = 5


def _selected_projects():
    return Prefetch(
        "proposals",
        queryset=Proposal.objects.selected().select_related("lead", "industry").prefetch_related("ai_areas")
        .order_by("title"),
        to_attr="selected_projects",
    )


@require_GET
def call_list(request):
    now = timezone.now()
    current = list(Call.objects.filter(closes_at__gt=now).order_by("closes_at", "pk"))
    for call in current:
        call.open_now = call.is_open(now)
        call.d_day = call.days_left(now)
    past = Call.objects.past(now).order_by("-closes_at", "-pk").prefetch_related(_selected_projects())
    page = Paginator(past, PAST_CALLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/call_list.html", {"current_calls": current, "page": page})


@require_GET
def call_detail(request, pk):
    now = timezone.now()
    call = get_object_or_404(
        Call.objects.prefetch_related("criteria", _selected_projects()), pk=pk
    )
    call.open_now = call.is_open(now)
    call.d_day = call.days_left(now)
    return render(request, "projects/call_detail.html", {"call": call, "now": now})
