import importlib
import importlib.util
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app contributes demo data through a `seed(*, rng, scale, stdout)` function,
# run in this order because later apps build on earlier ones.
SEEDERS = ["portal.demo", "members.demo", "portal.news.demo", "projects.demo"]


class Command(BaseCommand):
    help = "Load demo data (idempotent and deterministic for a given seed)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply the amount of demo data.")
        parser.add_argument("--seed", type=int, default=2024, help="Random seed; the same seed gives the same data.")
        parser.add_argument(
            "--allow-production", action="store_true",
            help="Run even with DEBUG off (demo accounts have published passwords: never on a real site).",
        )

    def handle(self, *args, scale, seed, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to load demo data with DEBUG off; pass --allow-production for benchmarks.")
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        for path in SEEDERS:
            module = _load(path)
            if module is None:
                continue
            with transaction.atomic():
                module.seed(rng=random.Random(f"{seed}:{path}"), scale=scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))


def _load(path):
    if importlib.util.find_spec(path) is None:
        return None
    return importlib.import_module(path)
