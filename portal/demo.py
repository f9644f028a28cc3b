"""Demo accounts for a local portal: a staff member with MFA ready to use."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

DEMO_STAFF_EMAIL = "staff@alliance.example"
# The small demo of `make run`; `--scale N` above this asks for N organisations.
SMALL_ORGANISATIONS = 40
# Set by seed_demo when it writes to a terminal: seeders then show progress bars.
SHOW_PROGRESS = False


def organisation_count(scale):
    """How many demo organisations `--scale` asks for: N organisations, and never fewer than the small demo."""
    return max(SMALL_ORGANISATIONS, scale)


def progress(iterable, *, total=None, desc=""):
    """`iterable`, behind a tqdm progress bar on a terminal."""
    if not SHOW_PROGRESS:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=" rows", leave=False, mininterval=0.5)
DEMO_PASSWORD = "alliance-demo-2026"
# A fixed base32 secret so the demo login is reproducible; never used outside demo data.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPAIALLIANCEDEMO23"


def analyze(*models):
    """Fresh planner statistics for the tables of `models`, which a seeder's transaction is filling (PostgreSQL; a
    no-op elsewhere). ANALYZE counts the transaction's own new rows, which autovacuum cannot see yet."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def ensure_user(email, *, password=DEMO_PASSWORD, is_staff=False, groups=(), **fields):
    """Create (once) a verified user; later runs leave it as it is."""
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"is_staff": is_staff, **fields})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def ensure_mfa(user, secret=DEMO_TOTP_SECRET):
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        TOTP.activate(user, secret)
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    codes = RecoveryCodes.activate(user)
    return decrypt(totp.data["secret"]), codes.get_unused_codes()


def seed(*, rng, scale, stdout):
    staff = ensure_user(
        DEMO_STAFF_EMAIL, is_staff=True, is_superuser=True, first_name="민지", last_name="관리"
    )
    secret, codes = ensure_mfa(staff)
    stdout.write(
        "\nDemo staff account (Django admin at http://127.0.0.1:8000/admin/):\n"
        f"  email:          {DEMO_STAFF_EMAIL}\n"
        f"  password:       {DEMO_PASSWORD}\n"
        f"  TOTP secret:    {secret}  (add it to any authenticator app)\n"
        f"  recovery code:  {codes[0] if codes else '(all used: generate new ones in the account page)'}\n"
    )
