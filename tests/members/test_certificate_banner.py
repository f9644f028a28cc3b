"""The certificate banner on /my/: a warning from Organization.EXPIRY_WARNING_DAYS (60) days before the last
valid day, an error once the certificate has lapsed, nothing before."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.models import Organization

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("my:dashboard")


def page_of(client, person, org, days):
    """/my/ as `person` (in English) when `org`'s certificate has `days` left to its last valid day."""
    Organization.objects.filter(pk=org.pk).update(
        certificate_expires_on=timezone.localdate() + datetime.timedelta(days=days)
    )
    client.force_login(person)
    return client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def renewal_url():
    try:
        return reverse("my:certificate")
    except NoReverseMatch:  # until the renewal page exists, the proof-of-tier section of /my/
        return "#documents-title"


def test_the_warning_period_is_sixty_days():
    assert Organization.EXPIRY_WARNING_DAYS == 60


@pytest.mark.parametrize("days, banner", [
    (400, None), (61, None), (60, "expiring"), (7, "expiring"), (0, "expiring"), (-1, "expired"), (-90, "expired"),
])
def test_the_banner_from_sixty_days_out_and_after_the_lapse(client, alice, hanbit, days, banner):
    html = page_of(client, alice, hanbit, days)
    shown = [state for state in ("expiring", "expired") if f'data-certificate-banner="{state}"' in html]
    assert shown == ([banner] if banner else [])


def test_the_warning_says_how_long_is_left_and_links_to_the_renewal(client, alice, hanbit):
    html = page_of(client, alice, hanbit, 30)
    assert 'class="message message-warning certificate-banner"' in html
    assert "30 days left" in html
    assert f'href="{renewal_url()}"' in html


def test_after_the_lapse_the_error_says_the_organisation_cannot_be_named_in_a_new_submission(client, alice, hanbit):
    html = page_of(client, alice, hanbit, -1)
    assert 'class="message message-error certificate-banner"' in html
    assert "cannot be named, as lead or as partner, in a new lead-project proposal submission" in html
    assert f'href="{renewal_url()}"' in html


def test_plain_members_are_told_whom_to_ask(client, bob, hanbit):
    html = page_of(client, bob, hanbit, -1)
    assert 'data-certificate-banner="expired"' in html
    assert "Ask an owner or manager of your organisation to upload the renewed certificate." in html
    assert f'href="{renewal_url()}"' not in html


def test_no_banner_for_a_tier_that_needs_no_certificate(client, make_org, make_user):
    owner = make_user("owner@large.example")
    large = make_org("대형", owner=owner, tier="large", certificate=True,
                     certificate_expires_on=datetime.date(2027, 3, 31))
    assert "data-certificate-banner" not in page_of(client, owner, large, -1)


def test_the_banner_costs_no_query(client, alice, hanbit):
    def queries(days):
        with CaptureQueriesContext(connection) as captured:
            page_of(client, alice, hanbit, days)
        return len(captured)

    queries(200)  # the first sign-in creates the session
    assert queries(200) == queries(-1) == queries(30)
