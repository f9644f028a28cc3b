"""What a proposal was when it was submitted (a snapshot), and what changed between two submissions (a diff).

A snapshot is plain JSON-ready data, written once by the submit step (projects.services) and never again: the
proposal's fields with the names they had then (call, industry, AI areas), every participant with its budget line,
the KPIs and the documents (stored name, original name, size, SHA-256). `diff(old, new)` compares two snapshots and
answers a flat list of `Change`s in reading order: the proposal's fields, the totals, the consortium (partners added
or removed, roles, answers, each line's amounts), the KPIs, the documents. Both are pure: no query, no clock, so a
diff reads the same whenever it is shown. Labels and values are written in the active language.

Who sees which line is the caller's rule (a partner sees the amounts of its own line only): `for_organization`
drops the amounts of the other lines from a diff, `Change.organization` says whose line an entry is about.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members.models import Organization
from portal.money import exact_krw, format_krw
from projects.choices import Consent, ParticipantRole

VERSION = 1
DOCUMENT, ANNEX = "document", "annex"
AMOUNTS = ("government_funding", "private_cash", "private_in_kind")
TOTALS = ("government_total", "private_cash_total", "private_in_kind_total")
NOTHING = "—"


# --- snapshots ---------------------------------------------------------------------------------------------------


def _names(obj):
    return {"name_ko": obj.name_ko, "name_en": obj.name_en}


def document_entry(*, kind, name, original_name, size, sha256, id=None):
    """One document of a snapshot: the proposal document (`id` None) or an annex (`id` its row's)."""
    return {"kind": kind, "id": id, "name": name, "original_name": original_name, "size": size, "sha256": sha256}


def _two_places(value):
    """A KPI figure as the database keeps it (two decimal places), whether it was read or just written."""
    return f"{Decimal(value):.2f}"


def snapshot_of(proposal, *, participants, kpis, ai_areas, documents):
    """The snapshot of `proposal` (with its call and industry loaded) from rows the caller read: `participants`
    (with their organisations), `kpis`, `ai_areas`, and `documents` (dicts of `document_entry`)."""
    call, industry = proposal.call, proposal.industry
    return {
        "version": VERSION,
        "proposal": {
            "title": proposal.title,
            "summary": proposal.summary,
            "problem": proposal.problem,
            "call": {"id": call.pk, "title": call.title},
            "industry": {"id": industry.pk, "code": industry.code, **_names(industry)},
            "ai_areas": [{"code": area.code, **_names(area)} for area in ai_areas],
            "starts_on": proposal.starts_on.isoformat(),
            "ends_on": proposal.ends_on.isoformat(),
            **{name: getattr(proposal, name) for name in TOTALS},
        },
        "participants": [
            {
                "organization": p.organization_id,
                "name": p.organization.name,
                "business_number": p.organization.business_number,
                "group": p.organization.group,
                "role": p.role,
                "consent": p.consent,
                **{name: getattr(p, name) for name in AMOUNTS},
            }
            for p in participants
        ],
        "kpis": [
            {"id": k.pk, "indicator": k.indicator, "baseline": _two_places(k.baseline),
             "target": _two_places(k.target), "unit": k.unit}
            for k in kpis
        ],
        "documents": list(documents),
    }


# --- reading a snapshot ------------------------------------------------------------------------------------------


def _in_language(names):
    return names["name_en"] if (get_language() or "ko").startswith("en") else names["name_ko"]


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _number(text):
    """A KPI figure as people write it: 100.00 → 100, 3.20 → 3.2."""
    value = Decimal(text)
    return f"{value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize():f}"


def _date(text):
    return formats.date_format(parse_date(text), "DATE_FORMAT")


def kpi_text(kpi):
    unit = f" {kpi['unit']}" if kpi["unit"] else ""
    return f"{_number(kpi['baseline'])} → {_number(kpi['target'])}{unit}"


def readable(snapshot):
    """A snapshot with its codes turned into words of the active language, for a page that shows it."""
    proposal = snapshot["proposal"]
    participants = [
        {**p, "role_label": _label(ParticipantRole, p["role"]), "group_label": _label(Organization.Group, p["group"]),
         "consent_label": _label(Consent, p["consent"]), "is_lead": p["role"] == ParticipantRole.LEAD}
        for p in snapshot["participants"]
    ]
    return {
        **proposal,
        "starts_on": parse_date(proposal["starts_on"]),
        "ends_on": parse_date(proposal["ends_on"]),
        "industry_name": _in_language(proposal["industry"]),
        "ai_area_names": [_in_language(area) for area in proposal["ai_areas"]],
        "participants": participants,
        "kpis": [{**k, "baseline_text": _number(k["baseline"]), "target_text": _number(k["target"])}
                 for k in snapshot["kpis"]],
        "documents": [{**d, "position": position} for position, d in enumerate(snapshot["documents"], start=1)],
    }


# --- what changed ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One line of a diff: what changed (`label`), as it read before and after (— for nothing).

    `kind` says what sort of change it is ("field", "partner_added", "partner_removed", "role", "consent", "amount",
    "kpi_added", "kpi_removed", "kpi", "document", "annex_added", "annex_removed"); `organization` is the
    organisation whose line an entry is about (None for the rest); `amounts` the two amounts in won behind an
    amount's texts (for the exact figure in a title)."""

    kind: str
    label: str
    old: str = NOTHING
    new: str = NOTHING
    organization: int | None = None
    amounts: tuple | None = field(default=None, compare=False)

    @property
    def exact(self):
        """The exact figures behind an amount's texts, for a title: ('250,000,000원', '300,000,000원')."""
        if self.amounts is None:
            return None
        return tuple(NOTHING if amount is None else exact_krw(amount) for amount in self.amounts)


def _field_labels():
    return {
        "title": _("Title"),
        "call": _("Call"),
        "industry": _("Industry"),
        "ai_areas": _("AI application areas"),
        "starts_on": _("Planned start"),
        "ends_on": _("Planned end"),
        "summary": _("Summary"),
        "problem": _("Problem and objectives"),
        "government_total": _("Total government funding"),
        "private_cash_total": _("Total private cash"),
        "private_in_kind_total": _("Total private in kind"),
    }


def _amount_labels():
    return {"government_funding": _("Government funding"), "private_cash": _("Private cash"),
            "private_in_kind": _("Private in kind")}


def _money(amount):
    return NOTHING if amount is None else format_krw(amount)


def _amount(kind, label, old, new, organization=None):
    return Change(kind, label, _money(old), _money(new), organization=organization, amounts=(old, new))


def _field_changes(old, new):
    labels = _field_labels()
    changes = []
    simple = {"title": str, "summary": str, "problem": str, "starts_on": _date, "ends_on": _date}
    keyed = {
        "call": (lambda c: c["id"], lambda c: c["title"]),
        "industry": (lambda i: i["code"], _in_language),
        "ai_areas": (lambda areas: [a["code"] for a in areas], lambda areas: ", ".join(map(_in_language, areas))),
    }
    for name in ("title", "call", "industry", "ai_areas", "starts_on", "ends_on", "summary", "problem"):
        before, after = old[name], new[name]
        if name in keyed:
            key, show = keyed[name]
            if key(before) != key(after):
                changes.append(Change("field", str(labels[name]), show(before) or NOTHING, show(after) or NOTHING))
        elif before != after:
            show = simple[name]
            changes.append(Change("field", str(labels[name]), show(before), show(after)))
    for name in TOTALS:
        if old[name] != new[name]:
            changes.append(_amount("field", str(labels[name]), old[name], new[name]))
    return changes


def _line_amounts(participant, before, after):
    """The amounts of one line that differ; None stands for a line that is not there."""
    labels = _amount_labels()
    changes = []
    for name in AMOUNTS:
        old = None if before is None else before[name]
        new = None if after is None else after[name]
        if old != new and (old or new):  # a zero on a line that comes or goes is no amount
            label = _("%(org)s: %(what)s") % {"org": participant["name"], "what": labels[name]}
            changes.append(_amount("amount", label, old, new, organization=participant["organization"]))
    return changes


def _consortium_changes(old, new):
    before = {p["organization"]: p for p in old}
    after = {p["organization"]: p for p in new}
    changes = []
    for org, p in after.items():
        previous = before.get(org)
        if previous is None:
            label = _("Partner added: %(org)s") % {"org": p["name"]}
            role = _label(ParticipantRole, p["role"])
            changes.append(Change("partner_added", label, NOTHING, role, organization=org))
            changes += _line_amounts(p, None, p)
            continue
        for name, kind, choices, what in (("role", "role", ParticipantRole, _("role")),
                                          ("consent", "consent", Consent, _("confirmation"))):
            if previous[name] != p[name]:
                label = _("%(org)s: %(what)s") % {"org": p["name"], "what": capfirst(what)}
                changes.append(Change(kind, label, _label(choices, previous[name]), _label(choices, p[name]),
                                      organization=org))
        changes += _line_amounts(p, previous, p)
    for org, p in before.items():
        if org not in after:
            label = _("Partner removed: %(org)s") % {"org": p["name"]}
            changes.append(Change("partner_removed", label, _label(ParticipantRole, p["role"]), NOTHING,
                                  organization=org))
            changes += _line_amounts(p, p, None)
    return changes


def _pair(old, new, keys):
    """Match two lists of rows: first by each key in `keys` in turn, among the rows not matched yet.
    Answers (pairs of matched rows in the new list's order, unmatched old rows, unmatched new rows)."""
    left, right, pairs = list(old), list(new), []
    for key in keys:
        for row in list(right):
            match = next((o for o in left if o.get(key) is not None and o.get(key) == row.get(key)), None)
            if match is not None:
                left.remove(match)
                right.remove(row)
                pairs.append((match, row))
    order = {id(row): index for index, row in enumerate(new)}
    pairs.sort(key=lambda pair: order[id(pair[1])])
    return pairs, left, right


def _kpi_key(kpi):
    return kpi["indicator"], Decimal(kpi["baseline"]), Decimal(kpi["target"]), kpi["unit"]


def _kpi_changes(old, new):
    pairs, removed, added = _pair(old, new, ("id", "indicator"))
    changes = []
    for before, after in pairs:
        if _kpi_key(before) != _kpi_key(after):
            label = _("KPI: %(indicator)s") % {"indicator": after["indicator"]}
            before_text = kpi_text(before)
            if before["indicator"] != after["indicator"]:
                before_text = f"{before['indicator']}: {before_text}"
            changes.append(Change("kpi", label, before_text, kpi_text(after)))
    for kpi in added:
        changes.append(Change("kpi_added", _("KPI added: %(indicator)s") % {"indicator": kpi["indicator"]},
                              NOTHING, kpi_text(kpi)))
    for kpi in removed:
        changes.append(Change("kpi_removed", _("KPI removed: %(indicator)s") % {"indicator": kpi["indicator"]},
                              kpi_text(kpi), NOTHING))
    return changes


def _document_changes(old, new):
    changes = []
    before = next((d for d in old if d["kind"] == DOCUMENT), None)
    after = next((d for d in new if d["kind"] == DOCUMENT), None)
    if (before and before["sha256"], before and before["original_name"]) != (
        after and after["sha256"], after and after["original_name"]
    ):
        new_text = NOTHING
        if after:
            new_text = after["original_name"]
            if before and before["original_name"] == after["original_name"]:
                new_text = _("%(name)s (a new version)") % {"name": after["original_name"]}
        changes.append(Change("document", _("Proposal document"), before["original_name"] if before else NOTHING,
                              new_text))
    pairs, removed, added = _pair([d for d in old if d["kind"] == ANNEX], [d for d in new if d["kind"] == ANNEX],
                                  ("id", "sha256"))
    for annex in added:
        changes.append(Change("annex_added", _("Annex added"), NOTHING, annex["original_name"]))
    for annex in removed:
        changes.append(Change("annex_removed", _("Annex removed"), annex["original_name"], NOTHING))
    return changes


def diff(old, new):
    """What changed from snapshot `old` to snapshot `new`, as a list of `Change`s in reading order (empty when
    nothing did)."""
    return [
        *_field_changes(old["proposal"], new["proposal"]),
        *_consortium_changes(old["participants"], new["participants"]),
        *_kpi_changes(old["kpis"], new["kpis"]),
        *_document_changes(old["documents"], new["documents"]),
    ]


def for_organization(changes, organization_id):
    """A diff as a partner may read it: the amounts of its own line only (partners see the consortium's members,
    roles, answers and totals, and no other line's figures)."""
    return [c for c in changes if c.kind != "amount" or c.organization == organization_id]
