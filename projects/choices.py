"""Choices that both the models and the funding rules (projects.rules) name, so neither imports the other back."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    TECHNOLOGY_SUPPLIER = "technology_supplier", _("Technology supplier")
    DEMAND_COMPANY = "demand_company", _("Demand company")
    RESEARCH_PARTNER = "research_partner", _("Research partner")


class Consent(models.TextChoices):
    """A partner's answer to being named in a consortium (참여확약)."""

    PENDING = "pending", _("Waiting for confirmation")
    ACCEPTED = "accepted", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Lines that count toward the consortium's totals and shares: a partner that declined or withdrew is out.
COUNTED_CONSENT = (Consent.PENDING, Consent.ACCEPTED)
