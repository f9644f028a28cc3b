"""Dormant accounts (휴면계정): told once by mail before, separated after the period (personal fields moved to
privacy.DormantAccount), restored through a link mailed to the address."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jobs.models import OutgoingMail
from privacy import dormancy
from privacy.models import DormancyNotice, DormantAccount
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def away_for(person, days):
    get_user_model().objects.filter(pk=person.pk).update(last_login=timezone.now() - days * DAY)
    person.refresh_from_db()
    return person


def queued_to(address):
    return sum(address in m.recipients for m in OutgoingMail.objects.all())


def test_the_notice_goes_once_within_the_notice_period(settings):
    soon = away_for(personas.user(), settings.PRIVACY_DORMANT_AFTER_DAYS - 20)
    not_yet = away_for(personas.user(), settings.PRIVACY_DORMANT_AFTER_DAYS - 40)
    staff = away_for(personas.staff(), settings.PRIVACY_DORMANT_AFTER_DAYS + 20)
    assert dormancy.notices_send() == 1
    assert dormancy.notices_send() == 0
    assert (queued_to(soon.email), queued_to(not_yet.email), queued_to(staff.email)) == (1, 0, 0)


def test_signing_in_again_starts_a_new_period_with_a_new_notice(settings):
    person = away_for(personas.user(), settings.PRIVACY_DORMANT_AFTER_DAYS - 20)
    dormancy.notices_send()
    away_for(person, settings.PRIVACY_DORMANT_AFTER_DAYS - 10)  # signed in once, long ago again by now
    assert dormancy.notices_send() == 1
    assert DormancyNotice.objects.filter(user=person).count() == 2


def test_an_account_is_separated_only_once_its_notice_has_been_out_long_enough(settings):
    person = away_for(personas.user("sleeper@example.com", first_name="잠자"), settings.PRIVACY_DORMANT_AFTER_DAYS + 5)
    assert dormancy.separations_run() == 0  # never told: first the notice
    dormancy.notices_send()
    assert dormancy.separations_run() == 0
    DormancyNotice.objects.filter(user=person).update(
        sent_at=timezone.now() - (settings.PRIVACY_DORMANT_NOTICE_DAYS + 1) * DAY)
    assert dormancy.separations_run() == 1
    person.refresh_from_db()
    assert person.email == f"dormant-{person.pk}@dormant.invalid" and not person.is_active and not person.first_name
    kept = DormantAccount.objects.get(user=person)
    assert (kept.email, kept.first_name) == ("sleeper@example.com", "잠자")
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Client().login(email="sleeper@example.com", password=personas.PASSWORD)
    assert dormancy.separations_run() == 0


def test_the_daily_job_runs_both_stages(settings):
    away_for(personas.user(), settings.PRIVACY_DORMANT_AFTER_DAYS - 1)
    from privacy import tasks

    tasks.dormant_accounts.enqueue()
    run_tasks()
    assert DormancyNotice.objects.count() == 1


def test_the_person_restores_the_account_by_the_mailed_link(settings):
    person = away_for(personas.user("sleeper@example.com"), settings.PRIVACY_DORMANT_AFTER_DAYS + 1)
    assert dormancy.account_separate(user_id=person.pk)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        assert client.post(reverse("privacy:dormant"), {"email": "nobody@example.com"}).status_code == 302
        assert client.post(reverse("privacy:dormant"), {"email": "Sleeper@example.com"}).status_code == 302
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["sleeper@example.com"]
    link = next(line for line in message.body.splitlines() if line.startswith("http://testserver/"))
    link = link.removeprefix("http://testserver")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    person.refresh_from_db()
    assert person.email == "sleeper@example.com" and person.is_active
    assert EmailAddress.objects.get(user=person).verified
    assert not DormantAccount.objects.exists()
    assert Client().login(email="sleeper@example.com", password=personas.PASSWORD)
    assert client.get(link).status_code == 404  # the link served once


def test_a_dormant_account_can_still_be_erased_on_request(settings):
    from privacy import rights

    person = away_for(personas.user("sleeper@example.com"), settings.PRIVACY_DORMANT_AFTER_DAYS + 1)
    dormancy.account_separate(user_id=person.pk)
    officer = personas.staff(permissions=[("privacy", "delete_person_on_request")])
    rights.person_erase(user=person, by=officer, reason="서면 요청")
    assert not DormantAccount.objects.exists()
    assert queued_to("sleeper@example.com") == 1  # the confirmation reaches the real address


def test_nobody_signs_up_with_a_dormant_accounts_address(settings):
    person = away_for(personas.user("sleeper@example.com"), settings.PRIVACY_DORMANT_AFTER_DAYS + 1)
    dormancy.account_separate(user_id=person.pk)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        response = client.post(reverse("account_signup"), {
            "email": "Sleeper@example.com", "password1": "long-pass-phrase-42", "password2": "long-pass-phrase-42",
            "consent_terms": "on", "consent_collection": "on"})
    assert response.status_code == 200 and "dormant account" in response.text
    assert get_user_model().objects.filter(email__iexact="sleeper@example.com").count() == 0
