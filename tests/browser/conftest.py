"""People and data the browser journeys start from, built in code.

The browser tests run against `live_server` in real transactions; serialized_rollback brings back
the reference rows seeded by migrations (industries, AI areas, staff groups) that a transactional
test's flush would otherwise remove.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from members.models import Membership, Organization
from tests.browser.helpers import DESKTOP, PASSWORD, PHONE
from tests.projects import factories as f

# The browser fixture (tests/conftest.py) runs each test at desktop and phone size; these pin one.
desktop_only = pytest.mark.parametrize("browser", [DESKTOP], indirect=True, ids=["desktop"])
phone_only = pytest.mark.parametrize("browser", [PHONE], indirect=True, ids=["phone"])


@pytest.fixture
def staff_member(make_user):
    """A staff member in one staff group, with an authenticator app: returns (user, TOTP secret)."""

    def make(email, group):
        user = make_user(email, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return user, secret

    return make


@pytest.fixture
def open_call(db):
    """A call that opened ten days ago and closes in twenty, capped at 100억 원, with the five criteria."""
    return f.call(title="2026년 AI 자율제조 선도 프로젝트 공모")


@pytest.fixture
def company_owner(make_user):
    """An owner of an approved mid-sized company: returns the user."""

    def make(email="owner@hanbit.example", name="한빛정밀"):
        org = f.organization(name, tier=Organization.Tier.MIDSIZE)
        user = make_user(email, password=PASSWORD)
        Membership.objects.create(user=user, organization=org, role=Membership.Role.OWNER)
        return user

    return make
