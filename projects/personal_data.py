"""What projects holds about a person, told to privacy's registry (privacy.registry): the contact lines that name
their address, the proposals they started, the messages they wrote, their evaluator profile and reviews; and
what an erasure clears. Submitted versions, messages, reviews and decisions are the record the ministry keeps:
they stay, pointing at the anonymised account."""

from django.utils.translation import gettext_lazy as _

from privacy import registry
from projects.models import Message, Participant, Proposal, Review, ReviewerProfile


def _contact_lines(user):
    return Participant.objects.filter(contact_email__iexact=user.email) if user.email else Participant.objects.none()


def export_proposals(user) -> dict:
    """Proposals the person started, and the consortium lines that name them as contact person."""
    started = [
        {"proposal": p.title, "call": p.call.title, "lead": p.lead.name, "status": p.get_status_display(),
         "created_at": p.created_at}
        for p in Proposal.objects.filter(created_by=user).select_related("call", "lead").order_by("created_at", "pk")
    ]
    contacts = [
        {"proposal": line.proposal.title, "organisation": line.organization.name, "contact_name": line.contact_name,
         "contact_email": line.contact_email, "contact_phone": line.contact_phone}
        for line in _contact_lines(user).select_related("proposal", "organization").order_by("pk")
    ]
    return {"started": started, "contact_person": contacts}


def export_messages(user) -> list:
    return [
        {"proposal": m.proposal.title, "sent_at": m.created_at, "message": m.body, "attachment": m.attachment_name}
        for m in Message.objects.filter(author=user).select_related("proposal").order_by("created_at", "pk")
    ]


def export_evaluation(user) -> dict:
    profile = ReviewerProfile.objects.filter(user=user).prefetch_related("former_employers").first()
    reviews = [
        {"proposal": r.proposal.title, "comment": r.comment, "recused": r.recused,
         "recusal_reason": r.recusal_reason, "submitted_at": r.submitted_at}
        for r in Review.objects.filter(reviewer=user).select_related("proposal").order_by("created_at", "pk")
    ]
    return {
        "profile": None if profile is None else {
            "name": profile.name, "affiliation": profile.affiliation, "field": profile.field,
            "former_employers": [{"employer": e.name, "from": e.from_year, "until": e.until_year}
                                 for e in profile.former_employers.all()],
        },
        "reviews": reviews,
    }


def erase(user) -> None:
    """Contact lines that name the person lose name, address and phone; an evaluator profile keeps its
    affiliation (panels disclosed after a decision name it) but no name, field or former employers."""
    _contact_lines(user).update(contact_name="", contact_email="", contact_phone="")
    profile = ReviewerProfile.objects.filter(user=user).first()
    if profile is not None:
        profile.former_employers.all().delete()
        profile.name = f"#{user.pk}"
        profile.field = ""
        profile.full_clean(exclude=["user"])
        profile.save()


def register():
    registry.register_section(key="proposals", title=_("Proposals"), export=export_proposals, order=50)
    registry.register_section(key="messages", title=_("Messages"), export=export_messages, order=60)
    registry.register_section(key="evaluation", title=_("Evaluation"), export=export_evaluation, order=70)
    registry.register_eraser(key="projects", erase=erase)


