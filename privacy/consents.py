"""What each signed-in person must still answer, and the one way consents are written.

The requirement for a kind is the lowest version number whose consent still counts:
- for a required kind (terms, collection notice), the newest version in force that asks for consent again,
  or else the first version in force: a person with no consent at all (an account made by staff, a social
  sign-up that skipped the form) is asked too;
- for an optional kind (mailing), the newest version in force that asks again: only people who had said yes
  to an earlier one are asked, and saying nothing then counts as no.

The requirements are the same for everybody, so they are computed once a day (effective dates are days)
and again whenever a version is saved, and kept in the cache. A person's session remembers the
requirements it was last found to meet (`SESSION_KEY`), so a signed-in page costs no query for this
until a new version comes into force.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from privacy.models import CONSENT_KINDS, REQUIRED_KINDS, ConsentRecord, Kind, PolicyVersion

SESSION_KEY = "privacy:consents-met"
CACHE_TTL = 600


def _cache_key(today):
    return f"privacy:requirements:{today:%Y%m%d}"


def _compute(today) -> dict:
    rows = PolicyVersion.objects.in_force(today).filter(kind__in=CONSENT_KINDS).values_list(
        "kind", "number", "requires_reconsent")
    by_kind = {}
    for kind, number, again in rows:
        by_kind.setdefault(kind, []).append((number, again))
    needed = {}
    for kind, versions in by_kind.items():
        asking = [number for number, again in versions if again]
        if kind in REQUIRED_KINDS:
            needed[kind] = max(asking) if asking else min(number for number, _ in versions)
        elif asking:
            needed[kind] = max(asking)
    return needed


def requirements(today=None) -> dict:
    """{kind: lowest version number that still counts} for the kinds that ask anything today."""
    today = today or timezone.localdate()
    key = _cache_key(today)
    found = cache.get(key)
    if found is None:
        found = _compute(today)
        cache.set(key, found, CACHE_TTL)
    return found


def signature(needed) -> str:
    return ",".join(f"{kind}:{number}" for kind, number in sorted(needed.items()))


def forget_requirements(sender=None, **kwargs):
    """A version was saved or deleted: compute the requirements again (now, and once the change commits)."""
    def drop():
        cache.delete(_cache_key(timezone.localdate()))

    drop()
    transaction.on_commit(drop)


def pending_kinds(user, needed=None) -> list:
    """The kinds `user` must answer before going on, in the order sign-up asks them."""
    needed = requirements() if needed is None else needed
    if not needed:
        return []
    latest = ConsentRecord.objects.latest_by_kind(user)
    pending = []
    for kind in CONSENT_KINDS:
        if kind not in needed:
            continue
        answer = latest.get(kind)
        if kind in REQUIRED_KINDS:
            if answer is None or not answer[0] or answer[1] < needed[kind]:
                pending.append(kind)
        elif answer is not None and answer[0] and answer[1] < needed[kind]:
            pending.append(kind)
    return pending


def mark_met(request, needed=None):
    """Remember in the session that its user meets today's requirements."""
    request.session[SESSION_KEY] = signature(requirements() if needed is None else needed)


def meets_requirements(request) -> bool:
    """Whether the signed-in user of `request` has answered all they must (queries only when unsure)."""
    needed = requirements()
    if request.session.get(SESSION_KEY) == signature(needed):
        return True
    if pending_kinds(request.user, needed):
        return False
    mark_met(request, needed)
    return True


def check_at_sign_in(sender, request, user, **kwargs):
    """At sign-in, find out once whether the person owes an answer, so that their pages need not ask."""
    if request is None or not hasattr(request, "session"):
        return
    needed = requirements()
    if not pending_kinds(user, needed):
        mark_met(request, needed)


def current_versions(kinds) -> dict:
    """{kind: the version in force} for `kinds`, in one query."""
    today = timezone.localdate()
    versions = {}
    for version in PolicyVersion.objects.in_force(today).filter(kind__in=kinds).order_by("kind", "number"):
        versions[version.kind] = version  # the last one wins: the newest
    return versions


@transaction.atomic
def record_consents(*, user, answers: dict, source, ip_address=None, versions=None) -> list:
    """Write one ConsentRecord per answer ({kind: agreed}) to the version of each kind in force (or `versions`)."""
    versions = versions or current_versions(list(answers))
    now = timezone.now()
    records = []
    for kind, granted in answers.items():
        record = ConsentRecord(user=user, kind=kind, version=versions[kind], granted=bool(granted), at=now,
                               ip_address=ip_address, source=source)
        record.full_clean()
        record.save()
        records.append(record)
    return records


def mailing_answer(user):
    """The user's latest mailing record, or None."""
    return ConsentRecord.objects.filter(user=user, kind=Kind.MAILING).select_related("version").order_by(
        "-at", "-pk").first()


def accepting_mailings(users):
    """`users` narrowed to active people whose latest answer to the mailing is yes, to a version that still counts.

    A mailing (news and events to many) goes only to them; notices about a person's own membership and
    proposals are not mailings and ignore this."""
    latest = ConsentRecord.objects.filter(user=OuterRef("pk"), kind=Kind.MAILING).order_by("-at", "-pk")
    users = users.filter(is_active=True).annotate(
        _mailing_granted=Subquery(latest.values("granted")[:1]),
        _mailing_version=Subquery(latest.values("version__number")[:1]),
    ).filter(_mailing_granted=True)
    needed = requirements().get(Kind.MAILING)
    if needed:
        users = users.filter(_mailing_version__gte=needed)
    return users
