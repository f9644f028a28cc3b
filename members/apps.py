import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from members.models import Industry, Organization
        from portal import pagecache

        # The public models: the directory, the figures and the selected projects' leads show them.
        # Accounts (a sign-in saves last_login), memberships, invitations and the status history never appear.
        pagecache.watch(Organization, Industry)
        # An organisation's own pages (/my/, /my/proposals/) also show its people, invitations, change requests,
        # certificates and history: a save of one moves that organisation's stored pages; a person's account
        # (their address in a history) moves every organisation's, but a sign-in (last_login) none.
        from members.models import (
            ChangeRequest,
            Invitation,
            Membership,
            OrganizationFieldChange,
            StatusChange,
            TierCertificate,
            User,
        )

        pagecache.watch_scoped(lambda obj: [obj.organization_id], Membership, Invitation, ChangeRequest,
                               TierCertificate, StatusChange, OrganizationFieldChange)
        pagecache.watch_scoped(None, User, ignore_fields=("last_login",))

        # The directory's listed members by group (its count and its mix), counted by the worker (portal.derived).
        from members import views
        from portal import derived

        derived.register(views.LISTED_BY_GROUP, views.listed_by_group)
        derived.register(views.DIRECTORY_MARKS, views.directory_marks)
        # And every organisation, for the admin's unfiltered list.
        from members import admin

        derived.register(admin.ORGANIZATION_TOTALS, admin.organization_totals, format=2)  # 2: with marks

        # What members holds of a person, for privacy's export and erasure (privacy.registry).
        from members import personal_data

        personal_data.register()

        # Certificate reminders (members.reminders): once a day is enough, since a certificate's stage changes
        # at most once a day and a late run still sends the stage it is in.
        from jobs import periodic
        from members import tasks

        periodic.register(name="certificate-reminders", task=tasks.send_certificate_reminders,
                          every=datetime.timedelta(hours=24))
