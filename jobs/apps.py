import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from jobs import periodic, tasks

        # Not watched by the page cache: no public page shows a mail or a job's schedule.
        periodic.register(name="purge-old-mail", task=tasks.purge_old_mail, every=datetime.timedelta(hours=24))
        periodic.register(name="purge-old-access-records", task=tasks.purge_old_access_records,
                          every=datetime.timedelta(hours=24))
        periodic.register(name="sweep-orphan-files", task=tasks.sweep_orphan_files,
                          every=datetime.timedelta(hours=1))
        # The counts of whole tables (portal.derived): after each change, and every TTL whatever happens (writes
        # that send no signal, an emptied cache, the first recount of a new database).
        from portal import derived

        periodic.register(name="derived-recount", task=derived.refresh_all,
                          every=datetime.timedelta(seconds=derived.TTL))
