from django.core.management.base import BaseCommand

from members import reminders


class Command(BaseCommand):
    help = (
        "Queue the certificate reminders due today (60, 30 and 7 days before a certificate's last valid day, "
        "and the day it lapses), each once per certificate: for cron, beside the daily periodic job."
    )

    def handle(self, *args, **options):
        queued = reminders.certificate_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"{queued} reminder(s) queued."))
