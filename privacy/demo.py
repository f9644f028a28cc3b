"""Demo data: every demo account has agreed to the terms and the collection notice as if it had signed up,
and about a third of them chose the mailing. Runs last (portal.management.commands.seed_demo), over the
accounts the other seeders made; an account that already answered is left as it is."""

from django.contrib.auth import get_user_model

from portal.demo import progress
from privacy import consents
from privacy.models import CONSENT_KINDS, ConsentRecord, Kind

# Accounts read and answered at a time.
BATCH = 2000


def seed(*, rng, scale, stdout):
    versions = consents.current_versions(CONSENT_KINDS)
    for users in progress(_unanswered(), desc="consents (batches)"):
        records = []
        for user in users:
            answers = {Kind.TERMS: True, Kind.COLLECTION: True, Kind.MAILING: rng.random() < 1 / 3}
            records += [
                ConsentRecord(user=user, kind=kind, version=versions[kind], granted=granted, at=user.date_joined,
                              source=ConsentRecord.Source.SIGNUP)
                for kind, granted in answers.items() if kind in versions
            ]
        ConsentRecord.objects.bulk_create(records, batch_size=1000)


def _unanswered():
    """The accounts that have answered nothing, in batches by email (the order the answers are drawn in), so that
    memory stays that of one batch at any scale."""
    users = get_user_model().objects.filter(consent_records__isnull=True).order_by("email").only("email",
                                                                                              "date_joined")
    batch = list(users[:BATCH])
    while batch:
        yield batch
        batch = list(users.filter(email__gt=batch[-1].email)[:BATCH])
