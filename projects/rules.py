"""The funding rules of a call, in one place.

The proposal form and formsets, the models' clean(), the submission service and the
admin all ask these functions, so a rule reads the same wherever it is enforced.
Every comparison is on integers (KRW and whole percents).
"""

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.models import Membership, Organization
from portal.money import browser_settings, format_krw
from projects.choices import COUNTED_CONSENT, Consent, ParticipantRole

CONFLICT_MESSAGE = _(
    "You are excluded from scoring this proposal (제척): your organisation, or an employer you left less than "
    "3 years ago, is part of its consortium."
)


@dataclass(frozen=True)
class Line:
    """A budget line as the rules see it, whether it comes from a form or from the database."""

    organization: Organization
    role: str
    government: int
    cash: int
    in_kind: int

    @classmethod
    def of(cls, participant):
        return cls(
            organization=participant.organization,
            role=participant.role,
            government=participant.government_funding or 0,
            cash=participant.private_cash or 0,
            in_kind=participant.private_in_kind or 0,
        )

    @property
    def private(self):
        return self.cash + self.in_kind

    @property
    def total(self):
        return self.government + self.private


def tier_mix(lines):
    """The consortium by group (members' `Organization.Group`): label, participants, government funding, share."""
    total = sum(line.government for line in lines) or 1
    mix = []
    for group in Organization.Group:
        members = [line for line in lines if line.organization.group == group]
        if not members:
            continue
        government = sum(line.government for line in members)
        mix.append({
            "key": group.value,
            "label": group.label,
            "count": len(members),
            "government": government,
            "share": government * 100 // total,
        })
    return mix


def approved_ids(pks):
    """Those of the organisation ids `pks` that may take part now, read from the database (one query)."""
    return set(Organization.objects.approved().filter(pk__in=pks).values_list("pk", flat=True))


def not_approved_message(organization):
    return _("%(org)s is not an approved member of the alliance, so it cannot take part in a lead project.") % {
        "org": organization
    }


def lapsed_proof_message(organization):
    """Why `organization` cannot be named in a submission: its tier proof lapsed (members' `tier_proof_lapsed`)."""
    return _(
        "%(org)s: the %(certificate)s expired on %(date)s (its last valid day). An organisation whose proof of "
        "tier has lapsed cannot be named in a proposal submission: its owners or managers upload the renewed "
        "certificate on the portal first."
    ) % {
        "org": organization,
        "certificate": organization.tier_proof_label,
        "date": formats.date_format(organization.certificate_expires_on),
    }


def max_government_for(limit, private):
    """The largest government amount allowed with `private` KRW of own money at `limit` percent."""
    if limit >= 100:
        return None  # no ceiling from this rule
    return limit * private // (100 - limit)


# --- the budget rules the proposal form also checks as it is typed ------------------------------------------
# Each message is a template with named placeholders. The checks below fill it in; the proposal form hands the
# same templates, translated, to the browser (live_rules() → static/js/proposal-totals.js), which fills in the
# same figures in the same money format (portal.money.format_krw). tests/projects/budget_cases.py holds the
# cases on which both must give the same messages.

GOVERNMENT_SHARE = _(
    "Government funding may cover at most %(limit)s%% of the own budget of a participant of this size (%(tier)s): "
    "with %(private)s of private contribution, at most %(max)s."
)
CASH_MINIMUM = _(
    "At least %(minimum)s%% of the private contribution of a company of this size (%(tier)s) must be cash: at "
    "least %(amount)s here."
)
FUNDING_CAP = _("The consortium requests %(total)s of government funding; this call allows at most %(cap)s.")
NO_GOVERNMENT_FUNDING = _("Request government funding for at least one participant.")
SME_MIDSIZE_SHARE = _(
    "SMEs and mid-sized firms must receive at least %(minimum)s%% of the government funding; they receive "
    "%(share)s%% now."
)
# A line's problem in the list of a whole proposal's (the submission check names the organisation).
LINE_PROBLEM = "%(org)s: %(message)s"
# The groups whose government funding makes the consortium's SME-and-mid-sized share.
SMALL_GROUPS = (Organization.Group.SME, Organization.Group.MIDSIZE)


def government_share_problem(limit, line):
    """The message when `line` asks the government for more than `limit` percent of its own budget, else None."""
    if line.government * 100 <= limit * line.total:
        return None
    return GOVERNMENT_SHARE % {
        "limit": limit,
        "tier": line.organization.group_label,
        "private": format_krw(line.private),
        "max": format_krw(max_government_for(limit, line.private)),
    }


def cash_minimum_problem(minimum, line):
    """The message when less than `minimum` percent of `line`'s private contribution is cash, else None."""
    if minimum is None or line.cash * 100 >= minimum * line.private:
        return None
    return CASH_MINIMUM % {
        "minimum": minimum,
        "tier": line.organization.group_label,
        "amount": format_krw(-(-minimum * line.private // 100)),
    }


def funding_cap_problem(call, government):
    """The message when the consortium's `government` funding is above the call's cap, else None."""
    if government <= call.funding_cap:
        return None
    return FUNDING_CAP % {"total": format_krw(government), "cap": format_krw(call.funding_cap)}


def small_share_problem(call, lines):
    """The message when SMEs and mid-sized firms get less than the call's share of the government funding (or
    nobody gets any), else None: a rule a submission must meet."""
    total = sum(line.government for line in lines)
    if total == 0:
        return NO_GOVERNMENT_FUNDING
    small = sum(line.government for line in lines if line.organization.group in SMALL_GROUPS)
    if small * 100 >= call.sme_midsize_min_share * total:
        return None
    return SME_MIDSIZE_SHARE % {"minimum": call.sme_midsize_min_share, "share": small * 100 // total}


def line_problem(organization, message):
    return LINE_PROBLEM % {"org": organization, "message": message}


def live_rules(call, organizations=()):
    """What static/js/proposal-totals.js needs to check budget lines as they are typed, for a json_script: the
    call's figures, each group's limits, the group of each organisation the page names (by business number), the
    messages above translated into the page's language, and how amounts are read and written (portal.money)."""
    limits, minimums = call.gov_share_limits(), call.cash_minimums()
    return {
        "language": "en" if (get_language() or "ko").startswith("en") else "ko",
        "money": browser_settings(),
        "cap": call.funding_cap,
        "smallShareMinimum": call.sme_midsize_min_share,
        "smallGroups": [str(group) for group in SMALL_GROUPS],
        "groups": {
            str(group): {"label": str(group.label), "limit": limits[group], "cashMinimum": minimums[group]}
            for group in Organization.Group
        },
        "organizations": {
            org.business_number: {"name": str(org), "group": str(org.group)} for org in organizations if org
        },
        "messages": {
            "governmentShare": str(GOVERNMENT_SHARE), "cashMinimum": str(CASH_MINIMUM), "fundingCap": str(FUNDING_CAP),
            "noGovernmentFunding": str(NO_GOVERNMENT_FUNDING), "smallShare": str(SME_MIDSIZE_SHARE),
            "line": LINE_PROBLEM,
        },
    }


def line_errors(call, lead_id, line):
    """Rules one budget line must meet on its own: {field name: [messages]}."""
    errors = {}
    org = line.organization

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if line.role == ParticipantRole.LEAD and org.pk != lead_id:
        add("role", _("Only the lead organisation can have the role Lead."))
    if org.pk == lead_id and line.role != ParticipantRole.LEAD:
        add("role", _("The lead organisation takes part with the role Lead."))
    if problem := government_share_problem(call.gov_share_limit(org), line):
        add("government_funding", problem)
    if problem := cash_minimum_problem(call.cash_minimum(org), line):
        add("private_cash", problem)
    return errors


def consortium_errors(call, lead, lines, *, complete):
    """Rules across the budget lines. `complete` adds the ones a submission must meet."""
    problems = []
    seen = set()
    for line in lines:
        if line.organization.pk in seen:
            problems.append(
                _("%(org)s appears more than once in the consortium.") % {"org": line.organization}
            )
        seen.add(line.organization.pk)

    approved = approved_ids(seen)
    for line in lines:
        if line.organization.pk not in approved:
            problems.append(not_approved_message(line.organization))

    if problem := funding_cap_problem(call, sum(line.government for line in lines)):
        problems.append(problem)
    if not complete:
        return problems

    leads = [line for line in lines if line.role == ParticipantRole.LEAD]
    if len(leads) != 1 or leads[0].organization.pk != lead.pk:
        problems.append(_("The lead organisation must be in the consortium, with the role Lead."))
    if problem := small_share_problem(call, lines):
        problems.append(problem)
    if call.demand_company_required and not any(line.role == ParticipantRole.DEMAND_COMPANY for line in lines):
        problems.append(_("This call requires a demand company (수요기업) in the consortium."))
    return problems


def period_errors(call, starts_on, ends_on):
    """[(field, message)] for a planned period outside the call's limits."""
    problems = []
    first_day = timezone.localdate(call.opens_at)
    if starts_on < first_day:
        problems.append(
            ("starts_on", _("The project cannot start before the call opens (%(date)s).")
             % {"date": formats.date_format(first_day)})
        )
    if ends_on < starts_on:
        problems.append(("ends_on", _("The planned end must not be before the planned start.")))
    elif ends_on > call.latest_end(starts_on):
        problems.append(
            ("ends_on", _("This call allows projects of at most %(months)s months: end by %(date)s at the latest.")
             % {"months": call.max_months, "date": formats.date_format(call.latest_end(starts_on))})
        )
    return problems


def window_problem(call, now=None):
    if call.is_open(now):
        return None
    return _("This call accepts proposals from %(opens)s until %(closes)s (Korea time).") % {
        "opens": formats.date_format(timezone.localtime(call.opens_at), "DATETIME_FORMAT"),
        "closes": formats.date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT"),
    }


def submission_problems(proposal, now=None):
    """Every rule a submission must pass, recomputed from the stored rows."""
    call = proposal.call
    problems = []
    window = window_problem(call, now)
    if window:
        problems.append(window)
    if not approved_ids([proposal.lead_id]):
        problems.append(not_approved_message(proposal.lead))
    problems.extend(message for _field, message in period_errors(call, proposal.starts_on, proposal.ends_on))
    rows = list(proposal.participants.select_related("organization"))
    problems.extend(consent_problems(proposal, rows))
    # Declined and withdrawn partners are out of the consortium: their lines count toward nothing.
    lines = [Line.of(p) for p in rows if p.consent in COUNTED_CONSENT]
    # A lapsed certificate, read from the rows just loaded (no query): the lead, then each partner once.
    today = timezone.localdate(now) if now else timezone.localdate()
    named = {proposal.lead.pk: proposal.lead} | {line.organization.pk: line.organization for line in lines}
    problems.extend(lapsed_proof_message(org) for org in named.values() if org.tier_proof_lapsed(today))
    for line in lines:
        for messages in line_errors(call, proposal.lead_id, line).values():
            problems.extend(line_problem(line.organization, message) for message in messages)
    problems.extend(consortium_errors(call, proposal.lead, lines, complete=True))
    if not proposal.kpis.exists():
        problems.append(_("Add at least one KPI."))
    if not proposal.document:
        problems.append(_("Attach the proposal document (PDF, HWP or HWPX)."))
    return [str(p) for p in problems]


def consent_problems(proposal, rows):
    """Partners that have not confirmed their part (참여확약), by name: a submission needs every one."""
    partners = [p for p in rows if p.organization_id != proposal.lead_id]
    names = {state: [str(p.organization) for p in partners if p.consent == state] for state in Consent.values}
    problems = []
    if names[Consent.PENDING]:
        problems.append(
            _("These partners have not yet confirmed their part: %(names)s. Each partner's owners or managers "
              "confirm it on the portal.") % {"names": ", ".join(names[Consent.PENDING])}
        )
    out = names[Consent.DECLINED] + names[Consent.WITHDRAWN]
    if out:
        problems.append(
            _("These partners declined or withdrew, so their lines count toward nothing: %(names)s. Remove them "
              "from the consortium, or ask them to confirm after all.") % {"names": ", ".join(out)}
        )
    return problems


def reviewer_conflict(proposal, user):
    """True when an automatic ground of conflict excludes the reviewer from the proposal (제척)."""
    return automatic_conflict(proposal, user) is not None


# The automatic grounds (issue 16), by the codes of projects.models.ConflictDeclaration.Ground.
OWN_ORGANISATION, FORMER_EMPLOYER = "own_organisation", "former_employer"
FORMER_EMPLOYER_YEARS = 3


def conflict_organizations(user, today=None):
    """{organisation id: (ground, organisation name)}: the organisations whose proposals `user` may not evaluate.

    Their own organisation (the membership of a ministry reviewer who also works at a member, or the affiliation of
    an outside evaluator's profile) and every employer they left in the last 3 years (the year it ended counts as a
    whole: an employment that ended in 2023 counts until the end of 2026)."""
    return conflict_organizations_of(getattr(user, "reviewer_profile", None), Membership.objects.of(user), today)


def conflict_organizations_of(profile, membership, today=None):
    """conflict_organizations() from an evaluator's profile (with its former employers) and membership already read
    (either may be None): a panel's lists read them for every member at once."""
    today = today or timezone.localdate()
    found = {}
    if profile is not None:
        for employer in profile.former_employers.all():
            if employer.organization_id and employer.is_recent(today):
                found.setdefault(employer.organization_id, (FORMER_EMPLOYER, employer.name))
        if profile.affiliation_organization_id:
            found[profile.affiliation_organization_id] = (OWN_ORGANISATION, profile.affiliation)
    if membership is not None:
        found[membership.organization_id] = (OWN_ORGANISATION, membership.organization.name)
    return found


def automatic_conflict(proposal, user, today=None, *, organizations=None):
    """(ground, organisation name) when the lead or a named partner of `proposal` is one of `user`'s conflict
    organisations, else None. `organizations` are conflict_organizations(user) when the caller has them."""
    organizations = conflict_organizations(user, today) if organizations is None else organizations
    if not organizations:
        return None
    consortium = {proposal.lead_id, *proposal.participants.values_list("organization_id", flat=True)}
    return next((organizations[pk] for pk in organizations if pk in consortium), None)
