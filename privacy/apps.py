import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy and consent")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from portal import pagecache
        from privacy import consents
        from privacy.models import PolicyVersion

        # The policy pages are public pages; a published version also changes what signed-in people are asked.
        pagecache.watch(PolicyVersion)
        post_save.connect(consents.forget_requirements, sender=PolicyVersion, dispatch_uid="privacy-version-saved")
        post_delete.connect(consents.forget_requirements, sender=PolicyVersion,
                            dispatch_uid="privacy-version-deleted")
        user_logged_in.connect(consents.check_at_sign_in, dispatch_uid="privacy-check-at-sign-in")

        # The person's rights (privacy.exports, privacy.rights, privacy.dormancy): this app's parts of an export,
        # and the daily jobs.
        from jobs import periodic
        from privacy import exports, tasks

        exports.register_own_sections()
        periodic.register(name="purge-data-exports", task=tasks.purge_data_exports,
                          every=datetime.timedelta(hours=24))
        periodic.register(name="dormant-accounts", task=tasks.dormant_accounts, every=datetime.timedelta(hours=24))
