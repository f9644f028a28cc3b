from django.core.management.base import BaseCommand

from jobs import periodic


class Command(BaseCommand):
    help = "Enqueue the periodic jobs that are due (run every few minutes; safe on several machines at once)."

    def handle(self, *args, **options):
        names = periodic.enqueue_due()
        for name in names:
            self.stdout.write(f"enqueued: {name}")
        self.stdout.write(self.style.SUCCESS(f"{len(names)} job(s) enqueued."))
