"""The dashboard's charts, built from the cached figures in the current language.

A chart is a table first: the same rows feed the bars, the table view and the CSV download,
so the three can never disagree.
"""

from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from portal.money import format_krw
from projects.models import Proposal
from spread.models import Region
from stats import figures as figures_module
from stats.models import Target

Group = Organization.Group
COMPANY_GROUPS = Organization.COMPANY_GROUPS


# A count reads with its counter word in Korean (12곳, 5건, 8개); English shows the figure beside its label.
ORGANISATIONS, CASES, ITEMS, PERCENT = "organisations", "cases", "items", "percent"
_UNITS = {
    ORGANISATIONS: pgettext_lazy("count of organisations", "%(count)s"),
    CASES: pgettext_lazy("count of proposals or projects", "%(count)s"),
    ITEMS: pgettext_lazy("count of things", "%(count)s"),
    PERCENT: "%(count)s%%",
}


def with_unit(value, unit):
    """`value` with thousands separators and its unit (one of the constants above, or '' for none)."""
    number = intcomma(value)
    return _UNITS[unit] % {"count": number} if unit else number


@dataclass
class Series:
    label: str
    column: int  # index into Row.values
    css: str = "series-a"
    unit: str = ""  # how its values read on the bars: a unit of with_unit()


@dataclass
class Row:
    label: str
    values: list
    link: str = ""
    money: set = field(default_factory=set)  # indexes of values in KRW, when the chart's columns are mixed


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    label_header: str
    columns: list  # headers of Row.values
    rows: list
    series: list
    money: set = field(default_factory=set)  # column indexes holding KRW
    stacked: bool = False
    maximum: float = 0  # the value a full-width bar stands for; 0: the largest value shown

    def bars(self):
        """Per row: (row, [(series, value, width percent)]) for the template."""
        if self.stacked:
            top = self.maximum or max((sum(r.values[s.column] for s in self.series) for r in self.rows), default=0)
        else:
            top = self.maximum or max((r.values[s.column] for r in self.rows for s in self.series), default=0)
        out = []
        for row in self.rows:
            cells = [
                (s, row.values[s.column], min(100, round(100 * row.values[s.column] / top, 2)) if top else 0)
                for s in self.series
            ]
            out.append((row, cells))
        return out

    def table_rows(self):
        """Per row: (row, [(value, is_money)]) for the table view."""
        return [(row, [(value, i in self.money or i in row.money) for i, value in enumerate(row.values)])
                for row in self.rows]

    def text_alternative(self):
        """The chart's numbers in one sentence, for screen readers (the table view has them all too)."""
        if not self.rows:
            return str(_("No data yet."))
        parts = []
        for row in self.rows:
            values = ", ".join(f"{series.label} {_plain(row.values[series.column], series.column in self.money)}"
                               for series in self.series if not self.stacked or row.values[series.column])
            parts.append(f"{row.label}: {values or 0}")
        return "; ".join(parts)

    def csv_rows(self):
        yield [str(self.label_header), *(str(c) for c in self.columns)]
        for row in self.rows:
            yield [str(row.label), *row.values]


def _plain(value, money):
    return format_krw(value) if money else str(value)


def _name(item):
    return item["name_en"] if (get_language() or "ko").startswith("en") else item["name_ko"]


def share(part, whole):
    """Percent with one decimal, as shown and downloaded."""
    return round(100 * part / whole, 1) if whole else 0.0


def directory_url(**params):
    return f"{reverse('members:directory')}?{urlencode(params)}"


def build(figures=None):
    """All charts, in page order."""
    f = figures or figures_module.get()
    return [
        _tiers(f), _industries(f), _stages(f), _calls(f), _lead_tiers(f), _areas(f), _funding(f), _regions(f),
        _targets(f), _timeline(f),
    ]


def by_slug(slug, figures=None):
    return next((chart for chart in build(figures) if chart.slug == slug), None)


def launch_mix(f):
    """{company group: percent at the launch}, from the staff-edited targets in the figures."""
    return Target.launch_mix({key: target["value"] for key, target in f["targets"].items()})


def _tiers(f):
    companies = sum(f["members"][t] for t in COMPANY_GROUPS)
    mix = launch_mix(f)
    rows = [
        Row(t.label, [f["members"][t], share(f["members"][t], companies), mix[t]], directory_url(tier=t))
        for t in COMPANY_GROUPS
    ]
    return Chart(
        "tiers", _("Member companies by size tier, against the launch mix"),
        _("Share of approved member companies in each size tier, beside the mix announced at the launch."),
        _("Size tier"), [_("Members"), _("Share of companies (%)"), _("Launch mix (%)")], rows,
        [Series(_("Now"), 1, "series-a", PERCENT), Series(_("At launch"), 2, "series-b", PERCENT)], maximum=100,
    )


def _industries(f):
    rows = [Row(_name(i), [i["count"]], directory_url(industry=i["code"])) for i in f["industries"]]
    return Chart(
        "industries", _("Members by industry"), _("Approved members in each industry working group."),
        _("Industry"), [_("Members")], rows, [Series(_("Members"), 0, unit=ORGANISATIONS)],
    )


def _stages(f):
    total = sum(f["stages"].values())
    rows = [Row(stage.label, [f["stages"][stage.value], share(f["stages"][stage.value], total)])
            for stage in Organization.AIStage]
    return Chart(
        "ai-stages", _("Members by AI adoption stage"),
        _("Approved members by how far they have brought AI into production, in their own assessment."),
        _("AI adoption stage"), [_("Members"), _("Share (%)")], rows, [Series(_("Members"), 0, unit=ORGANISATIONS)],
    )


def _calls(f):
    statuses = list(Proposal.Status)
    rows = []
    for call in f["calls"]:
        counts = [call["statuses"][s.value] for s in statuses]
        rows.append(Row(call["title"], [*counts, sum(counts)],
                        reverse("projects:call-detail", args=[call["id"]])))
    series = [Series(s.label, index, f"status-{s.value}", CASES) for index, s in enumerate(statuses)]
    return Chart(
        "calls", _("Proposals per call, by status"),
        _("Every proposal in each call for proposals, drafts included, by where it stands."),
        _("Call for proposals"), [*(s.label for s in statuses), _("Total")], rows, series, stacked=True,
    )


def _lead_tiers(f):
    rows = [Row(g.label, [f["selected_by_lead"][g]]) for g in Group]
    return Chart(
        "lead-tiers", _("Selected projects by the lead's size"),
        _("Selected lead projects by the size tier of the organisation that leads the consortium."),
        _("Lead organisation"), [_("Selected projects")], rows, [Series(_("Selected projects"), 0, unit=CASES)],
    )


def _areas(f):
    rows = [Row(_name(a), [a["count"]]) for a in f["areas"]]
    return Chart(
        "ai-areas", _("Selected projects by AI application area"),
        _("A project may work in more than one area, so the areas add up to more than the projects."),
        _("AI application area"), [_("Selected projects")], rows, [Series(_("Selected projects"), 0, unit=CASES)],
    )


def _funding(f):
    rows = [Row(g.label, [f["funding"][g]["government"], f["funding"][g]["private"]]) for g in Group]
    return Chart(
        "funding", _("Funding of selected projects: government and private, by size tier"),
        _("Government funding committed and private contribution (cash and in kind) in the budget lines of "
          "selected projects, by the size tier of each consortium member."),
        _("Consortium members"), [_("Government funding (KRW)"), _("Private contribution (KRW)")], rows,
        [Series(_("Government"), 0, "series-a"), Series(_("Private"), 1, "series-b")], money={0, 1},
    )


def _regions(f):
    rows = [Row(region.label, [f["sites_by_region"][region.value]]) for region in Region]
    return Chart(
        "regions", _("Sites running a standard model, by region"),
        _("Manufacturing sites where a standard model is in use, once the alliance has confirmed them, by province "
          "or metropolitan city (시·도). Planned and stopped sites are not counted."),
        _("Region"), [_("Sites in use")], rows, [Series(_("Sites in use"), 0, unit=ORGANISATIONS)],
    )


def target_progress(f):
    """[(key, label, current, target value, percent, unit, year)] for the 2028 targets."""
    targets = f["targets"]
    current = {
        Target.PROJECTS: f["completed"],
        Target.SITES: f["sites"],
        Target.INVESTMENT: f["government"] + f["private"],
    }
    out = []
    for key, target in targets.items():
        if key.startswith(Target.LAUNCH_MIX_PREFIX):
            continue
        value = current.get(key, target["progress"])
        if value is None:
            continue  # nothing counted and nothing entered yet
        label = target["label_en"] if (get_language() or "ko").startswith("en") else target["label_ko"]
        out.append((key, label, value, target["value"], share(value, target["value"]), target["unit"],
                    target["year"]))
    return out


def _targets(f):
    rows = [
        Row(label, [value, goal, percent, year or ""], money={0, 1} if unit == Target.Unit.KRW else set())
        for _key, label, value, goal, percent, unit, year in target_progress(f)
    ]
    return Chart(
        "targets", _("Progress to the 2028 targets"),
        _("Projects: completed lead projects. Sites: manufacturing sites running a standard model, as confirmed by "
          "the alliance. Investment: government and private money in selected projects. Other rows are entered by "
          "staff."),
        _("Target"), [_("Now"), _("Target"), _("Progress (%)"), _("Year")], rows,
        [Series(_("Progress (%)"), 2, unit=PERCENT)], maximum=100,
    )


def _timeline(f):
    rows = [Row(month, [joined, selected]) for month, joined, selected in f["timeline"]]
    return Chart(
        "timeline", _("Members joined and projects selected, by month"),
        _("Approved members by the month of their approval; selected projects by the month of the decision."),
        _("Month"), [_("Members joined"), _("Projects selected")], rows,
        [Series(_("Members joined"), 0, "series-a", ORGANISATIONS),
         Series(_("Projects selected"), 1, "series-b", CASES)],
    )


def key_figures(f=None):
    """The headline figures of the home page and the dashboard, each with the page it comes from."""
    f = f or figures_module.get()
    stats = reverse("stats:dashboard")
    companies = sum(f["members"][t] for t in COMPANY_GROUPS)
    out = [
        {"value": f["members"][t], "label": t.label,
         "detail": _("%(share)s%% of member companies") % {"share": share(f["members"][t], companies)},
         "link": directory_url(tier=t), "key": f"members-{t.value}", "unit": ORGANISATIONS}
        for t in COMPANY_GROUPS
    ]
    covered = sum(1 for i in f["industries"] if i["count"])
    projects = f["targets"].get(Target.PROJECTS) or {}
    sites = f["targets"].get(Target.SITES) or {}
    out += [
        {"value": covered, "label": _("industries covered"),
         "detail": _("of %(total)s working groups") % {"total": len(f["industries"])},
         "link": f"{stats}#industries", "key": "industries", "unit": ITEMS},
        {"value": f["submitted"], "label": _("proposals submitted"), "detail": _("in all calls"),
         "link": f"{stats}#calls", "key": "submitted", "unit": CASES},
        {"value": f["selected"], "label": _("lead projects selected"), "detail": _("in all calls"),
         "link": reverse("projects:call-list"), "key": "selected", "unit": CASES},
        {"value": f["completed"], "label": _("lead projects completed"),
         "detail": _("target: %(value)s by %(year)s") % {"value": projects.get("value", "–"),
                                                           "year": projects.get("year") or "–"},
         "link": f"{stats}#targets", "key": "completed", "unit": CASES},
        {"value": f["sites"], "label": _("sites running a standard model"),
         "detail": _("target: %(value)s by %(year)s") % {"value": sites.get("value", "–"),
                                                           "year": sites.get("year") or "–"},
         "link": reverse("spread:catalogue"), "key": "sites", "unit": ORGANISATIONS},
        {"value": f["government"], "money": True, "label": _("government funding committed"),
         "detail": _("to selected projects"), "link": f"{stats}#funding", "key": "government"},
        {"value": f["private"], "money": True, "label": _("private contribution mobilised"),
         "detail": _("cash and in kind, in selected projects"), "link": f"{stats}#funding", "key": "private"},
    ]
    return out
