"""What members holds about a person, told to privacy's registry (privacy.registry): the export's memberships and
invitations, what an erasure clears, and the rule that an organisation's last owner hands over first."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Invitation, Membership
from members.services import people_count_refresh
from privacy import registry
from privacy.accounts import placeholder_email


def export_membership(user) -> list:
    return [
        {"organisation": m.organization.name, "role": m.get_role_display(), "joined_at": m.joined_at}
        for m in Membership.objects.filter(user=user).select_related("organization")
    ]


def _invitations_of(user):
    return Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))


def export_invitations(user) -> list:
    """The invitations sent to the person's address (or that they accepted); not the ones they sent, which are
    other people's addresses."""
    return [
        {"organisation": i.organization.name, "email": i.email, "role": i.get_role_display(), "sent_at": i.created_at,
         "expires_at": i.expires_at, "accepted_at": i.accepted_at, "withdrawn_at": i.revoked_at}
        for i in _invitations_of(user).select_related("organization").order_by("created_at", "pk")
    ]


def erase(user) -> None:
    """The person leaves their organisation; invitations to their address keep no address and can no longer be
    accepted. The organisation's own history (status changes, field changes) keeps the anonymised user."""
    organizations = list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    Membership.objects.filter(user=user).delete()
    people_count_refresh(organization_ids=organizations)
    now = timezone.now()
    for invitation in _invitations_of(user).select_for_update():
        invitation.email = placeholder_email(user.pk)
        if invitation.accepted_at is None and invitation.revoked_at is None:
            invitation.revoked_at = now
        invitation.save(update_fields=["email", "revoked_at"])


def last_owner_of(user) -> list[str]:
    membership = (Membership.objects.filter(user=user, role=Membership.Role.OWNER)
                  .select_related("organization").first())
    if membership is None:
        return []
    others = Membership.objects.filter(organization_id=membership.organization_id, role=Membership.Role.OWNER,
                                       user__is_active=True).exclude(user=user)
    if others.exists():
        return []
    message = _("You are the last owner of %(organization)s: make a colleague an owner first (on the organisation's "
                "people page), or ask the alliance to close the membership.")
    return [message % {"organization": membership.organization.name}]


def register():
    registry.register_section(key="memberships", title=gettext_lazy("Membership"), export=export_membership, order=30)
    registry.register_section(key="invitations", title=gettext_lazy("Invitations"), export=export_invitations,
                              order=40)
    registry.register_eraser(key="members", erase=erase)
    registry.register_obstacle(key="members-last-owner", check=last_owner_of)
