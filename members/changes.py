"""Which of an organisation's details change at once and which wait for the secretariat (the IRIS model).

통보성 (notify) fields apply as soon as an owner or manager saves them and are logged; 승인성 (approval)
fields affect eligibility or the funding rules, so a change to them becomes a `ChangeRequest` that staff
approve or reject, and until then the organisation keeps its current values. Adding a field to one of
the two lists is the only change a new field needs.

The diff and display helpers here work on stored values (each field's `value_to_string`), so what the log
and a change request keep is exactly what would be written to the row.
"""

from django.utils.translation import gettext_lazy as _

from members import business_numbers, corporate_numbers
from members.models import Organization
from portal.money import format_krw

# 바로 반영: applies at once, logged.
NOTIFY_FIELDS = (
    "name_en", "address", "website", "contact_name", "contact_phone", "description", "employees",
    "annual_revenue", "ai_stage", "listed_in_directory",
)
# 사무국 승인 후 반영: waits for a staff decision.
APPROVAL_FIELDS = ("name", "representative", "kind", "tier", "institution_type", "business_number",
                   "corporate_number")
# The proof of tier changes through a renewal (/my/certificate/), never through the details form.
CERTIFICATE_FIELDS = ("tier_proof", "certificate_number", "certificate_expires_on")
# Every field whose changes the history records (staff corrections and edits before approval included).
LOGGED_FIELDS = (*APPROVAL_FIELDS, *NOTIFY_FIELDS, "industry", "certificate_number", "certificate_expires_on")

NOTIFY_LABEL = _("Applies at once")
APPROVAL_LABEL = _("Applies after the secretariat approves")


def stored(organization, name) -> str:
    """The field's value as the log keeps it: its stored form as text ('' for none)."""
    field = organization._meta.get_field(name)
    value = field.value_from_object(organization)
    return "" if value is None else field.value_to_string(organization)


def diff(before, after, names=LOGGED_FIELDS) -> dict[str, tuple[str, str]]:
    """{field: (old, new)} for the `names` whose stored values differ between two organisations."""
    changes = {}
    for name in names:
        old, new = stored(before, name), stored(after, name)
        if old != new:
            changes[name] = (old, new)
    return changes


def split(changes: dict) -> tuple[dict, dict]:
    """The changes that apply at once, and those that wait for approval (anything else is neither)."""
    notify = {k: v for k, v in changes.items() if k in NOTIFY_FIELDS}
    approval = {k: v for k, v in changes.items() if k in APPROVAL_FIELDS}
    return notify, approval


def assign(organization, values: dict) -> None:
    """Set stored values (as `stored()` gives them) on `organization`."""
    for name, raw in values.items():
        field = organization._meta.get_field(name)
        value = field.to_python(raw) if raw != "" or not field.null else None
        setattr(organization, field.attname, value)


def label(name) -> str:
    """The field's name as people read it."""
    return str(Organization._meta.get_field(name).verbose_name)


def display(name, raw, *, industries=None) -> str:
    """A stored value as people read it: a choice's label, yes/no, won, the industry's name."""
    if raw in ("", None):
        return "–"
    field = Organization._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    if name == "listed_in_directory":
        return str(_("yes")) if raw in ("True", True) else str(_("no"))
    if name == "annual_revenue":
        return format_krw(int(raw))
    if name == "business_number":
        return business_numbers.display(raw)
    if name == "corporate_number":
        return corporate_numbers.display(raw)
    if name == "industry" and industries is not None:
        return industries.get(int(raw), raw)
    return str(raw)



def request_rows(change_request, current=None) -> list[tuple[str, str, str]]:
    """(label, old, new) per field of a change request, as people read them. `old` is `current`'s value when
    given (what approving would replace), else the value when the request was made."""
    rows = []
    for name, (old, new) in change_request.changes.items():
        if current is not None:
            old = stored(current, name)
        rows.append((label(name), display(name, old), display(name, new)))
    return rows
