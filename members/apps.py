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
