"""Writes of the spread app: standard models (staff, from the admin) and adoption sites (companies, then staff).

Who may report on a site: the owners and managers of the adopting organisation, or of an organisation that supplies
the site's standard model (`may_report`). Every report and change is checked by staff again before it counts.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.services import queue_mail
from members.models import Membership, Organization
from portal.files import (
    delete_file_on_commit,
    is_new_upload,
    keep_original_name,
    new_files_discarded_on_error,
)
from portal.links import absolute_reverse
from spread.models import DOCUMENT_UPLOAD, EVIDENCE_UPLOAD, AdoptionSite, AdoptionSiteChange, StandardModel

SITE_FIELDS = ("site_name", "region", "adopted_on", "use_status")


def _is_staff_with(user, perm):
    return bool(user.is_active and user.is_staff and user.has_perm(perm))


# --- standard models (staff) -------------------------------------------------------------------------------------


@transaction.atomic
def standard_model_save(*, standard_model, by):
    """Validate and save a standard model (its many-to-many fields are saved by the caller, the admin's form)."""
    perm = "spread.change_standardmodel" if standard_model.pk else "spread.add_standardmodel"
    if not _is_staff_with(by, perm):
        raise PermissionDenied
    standard_model.full_clean()
    standard_model.save()
    return standard_model


def document_prepare(*, document):
    """Check a public document's upload and keep its original name (the admin's inline saves it)."""
    DOCUMENT_UPLOAD.validate(document.file, field="file")
    keep_original_name(document, "file", "original_name")
    return document


# --- adoption sites (companies) -----------------------------------------------------------------------------------


def may_report(membership, *, standard_model, organization) -> bool:
    """Whether this member may report a site of `organization` using `standard_model`: one of the owners or managers
    of the adopting organisation itself, or of a supplier of the model."""
    if membership is None or not membership.can_manage:
        return False
    if membership.organization_id == organization.pk:
        return True
    return standard_model.suppliers.filter(pk=membership.organization_id).exists()


def site_submit(*, by, standard_model, organization, site_name, region, adopted_on, use_status, evidence, now=None):
    """Report a new adoption site: submitted, waiting for staff to confirm it."""
    membership = Membership.objects.of(by)
    if not may_report(membership, standard_model=standard_model, organization=organization):
        raise PermissionDenied
    if not standard_model.is_published:
        raise ValidationError({"standard_model": _("Choose a standard model from the catalogue.")})
    if organization.status not in Organization.MAY_TAKE_PART:
        raise ValidationError({"organization": _("The adopting organisation must be an approved member.")})
    if not evidence:
        raise ValidationError({"evidence": _("Attach a document that shows the site uses the model.")})
    now = now or timezone.now()
    with transaction.atomic():
        EVIDENCE_UPLOAD.validate(evidence, field="evidence")
        site = AdoptionSite(
            standard_model=standard_model, organization=organization, site_name=site_name.strip(), region=region,
            adopted_on=adopted_on, use_status=use_status, evidence=evidence, submitted_by=by,
            submitted_for=membership.organization, submitted_at=now,
        )
        keep_original_name(site, "evidence", "evidence_name")
        site.full_clean()
        with new_files_discarded_on_error(site):
            site.save()
        AdoptionSiteChange.objects.create(site=site, from_status="", to_status=site.status, use_status=use_status,
                                          by=by, at=now)
    return site


def site_update(*, site, by, site_name, region, adopted_on, use_status, evidence=None, now=None):
    """Change a reported site. A confirmed or returned site goes back to staff (it stops counting until they confirm
    it again); `evidence` None keeps the stored document."""
    membership = Membership.objects.of(by)
    if not may_report(membership, standard_model=site.standard_model, organization=site.organization):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = AdoptionSite.objects.select_for_update().get(pk=site.pk)
        old = locked.status
        if old != AdoptionSite.Status.SUBMITTED:
            AdoptionSite.WORKFLOW.check("resubmit", current=old, seen=site.status)
        locked.site_name, locked.region, locked.adopted_on, locked.use_status = (
            site_name.strip(), region, adopted_on, use_status)
        if evidence is not None and is_new_upload(evidence):
            EVIDENCE_UPLOAD.validate(evidence, field="evidence")
            delete_file_on_commit(locked, "evidence")
            locked.evidence = evidence
            keep_original_name(locked, "evidence", "evidence_name")
        locked.status = AdoptionSite.Status.SUBMITTED
        locked.submitted_at = now
        locked.full_clean()
        with new_files_discarded_on_error(locked):
            locked.save()
        AdoptionSiteChange.objects.create(site=locked, from_status=old, to_status=locked.status,
                                          use_status=use_status, by=by, at=now)
    return locked


# --- adoption sites (staff) ---------------------------------------------------------------------------------------


def site_transition(*, site, action, by, note="", now=None):
    """A staff step of AdoptionSite.WORKFLOW (confirm, return), recorded in the site's history and mailed."""
    spec = AdoptionSite.WORKFLOW[action]
    if not spec.permission or not _is_staff_with(by, spec.permission):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = AdoptionSite.objects.select_for_update().get(pk=site.pk)
        AdoptionSite.WORKFLOW.check(action, current=locked.status, seen=site.status, note=note)
        old = locked.status
        locked.status = spec.target
        locked.note = note
        locked.confirmed_at = now if spec.target == AdoptionSite.Status.CONFIRMED else None
        locked.save(update_fields=["status", "note", "confirmed_at", "updated_at"])
        AdoptionSiteChange.objects.create(site=locked, from_status=old, to_status=spec.target,
                                          use_status=locked.use_status, note=note, by=by, by_staff=True, at=now)
        # Queued in this transaction: the decision, its record and its mail commit together.
        _notify(locked, note=note)
    site.status, site.note, site.confirmed_at = locked.status, locked.note, locked.confirmed_at
    return site


def _notify(site, *, note):
    """Email the owners and managers of the organisation that reported the site and of the adopting one."""
    organizations = {site.submitted_for_id, site.organization_id}
    recipients = list(
        Membership.objects.managing().filter(organization_id__in=organizations, user__is_active=True)
        .order_by("pk").values_list("user__email", flat=True)
    )
    if not recipients:
        return
    model = StandardModel.objects.get(pk=site.standard_model_id)
    with translation.override(settings.LANGUAGE_CODE):
        status = site.get_status_display()
        subject = _("Adoption site “%(site)s”: %(status)s") % {"site": site.site_name, "status": status}
        lines = [str(_("The adoption site “%(site)s” of the standard model “%(model)s” is now: %(status)s.") % {
            "site": site.site_name, "model": model.name, "status": status})]
        if note:
            lines += ["", str(_("Note from the alliance:")), note]
        lines += ["", str(_("See the site on the portal:")), absolute_reverse("my-sites:edit", site.pk)]
    queue_mail(to=recipients, subject=str(subject), body="\n".join(lines))
