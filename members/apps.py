from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from portal import pagecache

        # Cached public pages show organisations and industries; accounts (a sign-in saves last_login) never.
        pagecache.watch(self, ignore=["User"])
