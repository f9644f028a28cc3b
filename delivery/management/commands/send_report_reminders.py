from django.core.management.base import BaseCommand

from delivery import reminders


class Command(BaseCommand):
    help = (
        "Queue the progress-report reminders due today (30 and 7 days before a report is due, and once it is "
        "overdue), each once per report and due date: for cron, beside the daily periodic job."
    )

    def handle(self, *args, **options):
        queued = reminders.report_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"{queued} reminder(s) queued."))
