"""An organisation's history as one timeline: membership decisions, changed details, change requests and
their decisions, certificates. One read, a constant number of queries (one per kind of record, plus the
industries' names when an industry changed), newest first."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members import changes
from members.models import ChangeRequest, Industry, Organization, TierCertificate, choice_label


@dataclass
class Event:
    at: datetime.datetime
    kind: str  # "status", "details", "request", "decision", "certificate" (a data attribute in the page)
    title: str
    by: str
    rows: list = field(default_factory=list)  # (label, old, new)
    note: str = ""
    state: str = ""  # the request's or certificate's state, for its word and data attribute
    state_label: str = ""
    certificate: TierCertificate | None = None
    order: int = 0


SECRETARIAT = pgettext_lazy("who did it", "The secretariat")


def _who(user, *, for_staff):
    if user is None:
        return str(SECRETARIAT) if not for_staff else "–"
    if user.is_staff and not for_staff:
        return str(SECRETARIAT)  # companies see who at their own organisation acted, not staff addresses
    return user.email


def organization_timeline(organization, *, for_staff=False) -> list[Event]:
    statuses = list(organization.status_changes.select_related("by"))
    # Changes an approval applied are shown with their request, not again on their own.
    details = list(organization.field_changes.filter(change_request__isnull=True).select_related("by"))
    requests = list(organization.change_requests.select_related("requested_by", "decided_by"))
    certificates = list(organization.certificates.select_related("uploaded_by", "confirmed_by", "change_request"))
    industries = {}
    if any(c.field == "industry" for c in details) or any("industry" in r.changes for r in requests):
        industries = dict(Industry.objects.values_list("pk", "name_ko"))

    events = []
    for change in statuses:
        events.append(Event(
            at=change.at, kind="status", order=change.pk,
            title=_("Membership: %(status)s") % {"status": choice_label(Organization.Status, change.to_status)},
            by=_who(change.by, for_staff=for_staff), note=change.note, state=change.to_status,
        ))
    # One save is one event: rows written together (same moment, same person) are grouped.
    groups = {}
    for change in details:
        key = (change.at, change.by_id)
        if key not in groups:
            groups[key] = Event(at=change.at, kind="details", order=change.pk, title=str(_("Details changed")),
                                by=_who(change.by, for_staff=for_staff))
            events.append(groups[key])
        groups[key].rows.append((
            changes.label(change.field), changes.display(change.field, change.old_value, industries=industries),
            changes.display(change.field, change.new_value, industries=industries),
        ))
    for request in requests:
        events.append(Event(
            at=request.created_at, kind="request", order=request.pk, title=str(_("Change requested")),
            by=_who(request.requested_by, for_staff=for_staff), note=request.reason, state=request.status,
            state_label=choice_label(ChangeRequest.Status, request.status),
            rows=[(changes.label(name), changes.display(name, old, industries=industries),
                   changes.display(name, new, industries=industries)) for name, (old, new) in request.changes.items()],
        ))
        if request.decided_at is not None:
            events.append(Event(
                at=request.decided_at, kind="decision", order=request.pk,
                title=_("Change request: %(status)s") % {"status": choice_label(ChangeRequest.Status, request.status)},
                by=_who(request.decided_by, for_staff=for_staff), note=request.note, state=request.status,
            ))
    for certificate in certificates:
        if certificate.confirmed_at is not None:
            state, state_label = "confirmed", _("Confirmed by the secretariat")
        elif certificate.awaits_confirmation:
            state, state_label = "unconfirmed", _("Waiting for the secretariat's confirmation")
        elif certificate.source == TierCertificate.Source.TIER_CHANGE:
            request = getattr(certificate, "change_request", None)
            state = request.status if request else ""
            state_label = _("With a change request: %(status)s") % {
                "status": choice_label(ChangeRequest.Status, state)} if request else ""
        else:
            state, state_label = "", ""
        events.append(Event(
            at=certificate.uploaded_at, kind="certificate", order=certificate.pk,
            title=_("Certificate: %(source)s") % {
                "source": choice_label(TierCertificate.Source, certificate.source)},
            by=_who(certificate.uploaded_by, for_staff=for_staff), state=state, state_label=str(state_label),
            certificate=certificate,
        ))
    events.sort(key=lambda e: (e.at, e.order), reverse=True)
    return events
