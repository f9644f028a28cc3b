"""Finding a partner for a consortium: the one rule of who can be found, and how.

Members listed in the public directory are found by the start of their name or of their business
number; an approved member that chose not to be listed is found only by its exact business number
(whoever names it knows it already). One query for a page of at most PAGE results, on prefixes and
exact matches that the indexes on name and business number serve.
"""

import re

from members.models import Organization
from portal import throttle

PAGE = 20
# A signed-in manager's searches per minute; an autocomplete sends one per pause in typing.
PER_MINUTE = 60
# A business number as people type it: 123-45-67890 or 1234567890, possibly inside a label "name (123-45-67890)".
_NUMBER = re.compile(r"(?<!\d)(\d{3})-?(\d{2})-?(\d{5})(?!\d)")
AMBIGUOUS = object()


def label(organization) -> str:
    """What the picker shows and the proposal form reads back: "name (123-45-67890)"."""
    return f"{organization.name} ({organization.business_number_display})"


def _number_in(text):
    match = _NUMBER.search(text)
    return "".join(match.groups()) if match else None


def find(query, limit=PAGE):
    """(up to `limit` organisations matching `query`, whether there are more). One query."""
    query = (query or "").strip()
    if not query:
        return [], False
    number = _number_in(query)
    if number:
        found = Organization.objects.approved().filter(business_number=number)
    else:
        digits = query.replace("-", "")
        if digits.isdigit():
            found = Organization.objects.listed().filter(business_number__startswith=digits)
        else:
            found = Organization.objects.listed().filter(name__startswith=query)
    rows = list(found.order_by("name", "pk")[: limit + 1])
    return rows[:limit], len(rows) > limit


def resolve(text):
    """The one organisation `text` names for the proposal form, None, or AMBIGUOUS. One query.

    A business number anywhere in the text (as the picker's label has it) finds any approved member; otherwise
    the exact name of a listed one."""
    number = _number_in(text)
    if number:
        return Organization.objects.approved().filter(business_number=number).first()
    matches = list(Organization.objects.listed().filter(name=text.strip())[:2])
    if len(matches) > 1:
        return AMBIGUOUS
    return matches[0] if matches else None


def as_json(organization):
    return {
        "label": label(organization), "name": organization.name, "number": organization.business_number_display,
        "size": str(organization.group_label),
        # The group the funding rules read (members' Organization.Group), for the form's live check: what "size"
        # says in words, so nothing more than the picker showed already.
        "group": str(organization.group),
    }


def throttled(user) -> bool:
    """Whether `user` has searched more than PER_MINUTE times in the current minute (portal.throttle)."""
    return throttle.over_limit(f"org-search:{user.pk}", per_minute=PER_MINUTE)
