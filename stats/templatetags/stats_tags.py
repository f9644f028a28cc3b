from django import template
from django.utils import timezone
from django.utils.translation import get_language

from members.models import Organization
from projects.models import MAX_FUNDING_CAP, Call
from stats import charts, figures
from stats.models import Target

register = template.Library()


@register.filter
def with_unit(value, unit):
    """`{{ value|with_unit:"cases" }}`: 1,234건 (stats.charts.with_unit)."""
    return charts.with_unit(value, unit)


# The counter word for a counted target (stats.models.Target.Unit.COUNT), by what it counts.
_TARGET_UNITS = {Target.PROJECTS: charts.CASES, Target.SITES: charts.ORGANISATIONS}


@register.inclusion_tag("stats/includes/key_figures.html")
def key_figures():
    """The headline figures, from the cached figures (no query when the cache is warm)."""
    return {"key_figures": charts.key_figures(figures.get()), "stats_link": True}


@register.inclusion_tag("stats/includes/open_calls.html")
def open_calls(limit=3):
    """Calls open now, closing soonest first, with the days left (one query)."""
    now = timezone.now()
    calls = list(Call.objects.open(now).order_by("closes_at", "pk").only("title", "opens_at", "closes_at")[:limit])
    for call in calls:
        call.d_day = call.days_left(now)
    return {"calls": calls}


@register.inclusion_tag("stats/includes/targets.html")
def targets():
    """The public targets as staff keep them in the admin, beside the cap per project."""
    english = (get_language() or "ko").startswith("en")
    shown = [
        {**target, "label": target["label_en"] if english else target["label_ko"],
         "counter": _TARGET_UNITS.get(key, charts.ITEMS)}
        for key, target in figures.get()["targets"].items() if not key.startswith(Target.LAUNCH_MIX_PREFIX)
    ]
    return {"targets": shown, "max_funding_cap": MAX_FUNDING_CAP}


@register.simple_tag
def launch_mix():
    """{company group: percent at the launch} as staff keep it in the targets (from the cached figures)."""
    return charts.launch_mix(figures.get())


@register.inclusion_tag("stats/includes/tier_mix.html")
def tier_mix(listed_by_group):
    """The directory's listed members by group (members' count_by_group()) beside the launch mix (one query)."""
    launch = Target.objects.launch_mix()
    companies = sum(listed_by_group[group] for group in Organization.COMPANY_GROUPS)
    rows = [
        {
            "label": group.label,
            "count": listed_by_group[group],
            "percent": round(100 * listed_by_group[group] / companies) if companies else 0,
            "launch_percent": launch[group],
        }
        for group in Organization.COMPANY_GROUPS
    ]
    return {"tier_mix": {"rows": rows, "companies": companies,
                         "public_enterprises": listed_by_group[Organization.Group.PUBLIC_ENTERPRISE],
                         "institutions": listed_by_group[Organization.Group.INSTITUTION]}}


@register.inclusion_tag("admin/stats/overview.html", takes_context=True)
def staff_overview(context):
    from stats.overview import overview

    return overview(context["request"].user)
