"""Public pages: calls for proposals, the projects they selected, and the members' own public pages.

A member's page lives here rather than in members because it lists the lead projects the member takes
part in, and members may not import projects (tests/portal/test_layers.py); its URL is under /members/.
"""

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from members.models import Organization
from portal.pagecache import public_page
from projects.models import Call, Participant, Proposal
from projects.steps import next_step

PAST_CALLS_PER_PAGE = 5
# The list shows a call's first selected projects; the call's own page lists them all, paginated,
# so neither page grows with the number of projects.
SELECTED_PER_CALL_IN_LIST = 10
SELECTED_PER_PAGE = 25

# What apps above projects add to a selected project's public page without projects importing them
# (tests/portal/test_layers.py): each registers, in its ready(), a function of the proposal answering a dict for the
# template's context (delivery: the running project's status, period and public KPIs' progress).
project_page_parts = []


def _selected_projects_queryset():
    return (
        Proposal.objects.shown_publicly().select_related("lead", "industry").prefetch_related("ai_areas")
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
        # A count per call from the selected proposals' partial index (a join would read every proposal, and the
        # paginator's count would group them all again).
        .annotate(selected_count=Coalesce(Subquery(
            Proposal.objects.shown_publicly().filter(call=OuterRef("pk")).order_by().values("call")
            .annotate(n=Count("pk")).values("n")), 0))
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


def _call_step(request, pk):
    # Rendered per request into the cached page (the page writes it only while the call is open): the
    # cached part stays the same for every visitor.
    return render_to_string(
        "projects/includes/call_step.html", {"step": next_step(request.user, pk)}, request=request
    )


@public_page(params=("page",), parts={"call_step": _call_step})
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


@public_page
@require_GET
def project_detail(request, pk):
    """A selected lead project: summary, consortium with roles, AI areas, KPIs, its call, government funding.

    Budget lines per participant, documents, reviews and history stay private; any proposal that is not
    shown publicly is a 404, so the public cannot tell a draft from a number never used."""
    project = get_object_or_404(
        Proposal.objects.shown_publicly().select_related("call", "industry").prefetch_related(
            "ai_areas", "kpis",
            Prefetch("participants", queryset=Participant.objects.select_related("organization__industry")
                     .order_by("pk")),
        ),
        pk=pk,
    )
    # The lead first, then the others in the order they joined: the consortium as the lead presented it.
    consortium = sorted(project.participants.all(), key=lambda p: p.role != Participant.Role.LEAD)
    context = {"project": project, "consortium": consortium}
    for part in project_page_parts:
        context.update(part(project))
    return render(request, "projects/project_detail.html", context)


@public_page
@require_GET
def organization_detail(request, pk):
    """A member's public page, for those that chose to have one: public facts and the projects they take part
    in, never people or documents. Not approved, not listed or not opted in: 404."""
    organization = get_object_or_404(Organization.objects.with_public_page().select_related("industry"), pk=pk)
    roles = dict(
        Participant.objects.filter(organization=organization, proposal__in=Proposal.objects.shown_publicly())
        .values_list("proposal_id", "role")
    )
    projects = list(_selected_projects_queryset().select_related("call").filter(pk__in=roles))
    for project in projects:
        project.role_label = Participant.Role(roles[project.pk]).label
    return render(request, "members/organization_detail.html", {"organization": organization,
                                                                "projects": projects})
