"""Demo data: every demo account has agreed to the terms and the collection notice as if it had signed up,
and about a third of them chose the mailing. Runs last (portal.management.commands.seed_demo), over the
accounts the other seeders made; an account that already answered is left as it is."""

from django.contrib.auth import get_user_model

from portal.demo import progress
from privacy import consents
from privacy.models import CONSENT_KINDS, ConsentRecord, Kind


def seed(*, rng, scale, stdout):
    versions = consents.current_versions(CONSENT_KINDS)
    users = list(get_user_model().objects.filter(consent_records__isnull=True).order_by("email"))
    records = []
    for user in progress(users, desc="consents"):
        answers = {Kind.TERMS: True, Kind.COLLECTION: True, Kind.MAILING: rng.random() < 1 / 3}
        records += [
            ConsentRecord(user=user, kind=kind, version=versions[kind], granted=granted, at=user.date_joined,
                          source=ConsentRecord.Source.SIGNUP)
            for kind, granted in answers.items() if kind in versions
        ]
    ConsentRecord.objects.bulk_create(records, batch_size=1000)
