"""Consents: asked at sign-up (required apart from optional, none ticked), recorded with their version,
asked again when a version that needs it comes into force, changed by the person on the account page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from privacy import consents
from privacy.models import ConsentRecord, Kind, PolicyVersion
from tests import personas
from tests.background import run_tasks
from tests.privacy.test_policies import new_version

pytestmark = pytest.mark.django_db
PASSWORD = "long-pass-phrase-42"
REQUIRED = {"consent_terms": "on", "consent_collection": "on"}


def sign_up(client, email="new@example.com", **consent_boxes):
    return client.post(reverse("account_signup"), {
        "email": email, "password1": PASSWORD, "password2": PASSWORD, **consent_boxes,
    }, REMOTE_ADDR="203.0.113.9")


def signed_in(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- sign-up --------------------------------------------------------------------------------------------


def test_the_sign_up_form_shows_every_consent_unticked_with_the_collection_table(client):
    html = client.get(reverse("account_signup")).text
    for name in ("consent_terms", "consent_collection", "consent_mailing"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="checkbox"' in box and "checked" not in box
    assert re.search(r'name="consent_terms"[^>]*required', html)
    assert not re.search(r'name="consent_mailing"[^>]*required', html)
    assert "<th>수집·이용 목적</th>" in html and "<th>보유·이용 기간</th>" in html  # the table, as a table
    assert reverse("privacy:policy-version", args=["terms", 1]) in html


@pytest.mark.parametrize("missing", ["consent_terms", "consent_collection"])
def test_sign_up_is_refused_without_each_required_consent(missing):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    boxes = {k: v for k, v in REQUIRED.items() if k != missing}
    response = sign_up(client, **boxes)
    assert response.status_code == 200
    assert "to sign up" in response.text
    assert not get_user_model().objects.filter(email="new@example.com").exists()


def test_sign_up_records_each_answer_with_its_version_time_and_address(client):
    response = sign_up(client, **REQUIRED)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new@example.com")
    records = {r.kind: r for r in ConsentRecord.objects.filter(user=user)}
    assert set(records) == {Kind.TERMS, Kind.COLLECTION, Kind.MAILING}
    assert records[Kind.TERMS].granted and records[Kind.COLLECTION].granted
    assert not records[Kind.MAILING].granted  # the optional box left unticked is a recorded no
    for record in records.values():
        assert record.version == PolicyVersion.objects.current(record.kind)
        assert record.ip_address == "203.0.113.9" and record.source == "signup" and record.at


def test_the_optional_consent_ticked_at_sign_up_is_a_yes(client):
    sign_up(client, consent_mailing="on", **REQUIRED)
    assert get_user_model().objects.accepting_mailings().filter(email="new@example.com").exists()


def test_signing_up_with_a_taken_address_records_nothing(client):
    personas.user("taken@example.com")
    before = ConsentRecord.objects.count()
    sign_up(client, "taken@example.com", **REQUIRED)
    assert ConsentRecord.objects.count() == before


def test_a_new_member_signs_up_confirms_and_is_not_asked_again(client):
    sign_up(client, **REQUIRED)
    run_tasks()
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    assert client.post(link)["Location"] == reverse("members:register")
    assert client.get(reverse("members:register")).status_code == 200


# --- asked again ----------------------------------------------------------------------------------------


def test_a_version_that_asks_again_sends_signed_in_people_to_the_consent_page():
    person = personas.user()
    client = signed_in(person)
    assert client.get("/").status_code == 200
    new_version(Kind.TERMS, again=True)
    response = client.get("/news/?page=1")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('privacy:renew')}?next=%2Fnews%2F%3Fpage%3D1"
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'name="consent_terms"' in page.text
    assert 'name="consent_collection"' not in page.text  # only what changed is asked


def test_staff_are_asked_too_in_the_admin():
    staff = personas.staff(group=personas.MEMBERSHIP_REVIEWERS)
    client = signed_in(staff)
    new_version(Kind.COLLECTION, again=True)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("privacy:renew"))


def test_answering_records_the_new_version_and_goes_back():
    person = personas.user()
    client = signed_in(person)
    version = new_version(Kind.TERMS, again=True)
    response = client.post(reverse("privacy:renew"), {"consent_terms": "on", "next": "/news/"},
                           REMOTE_ADDR="198.51.100.4")
    assert response["Location"] == "/news/"
    record = ConsentRecord.objects.filter(user=person, kind=Kind.TERMS).order_by("-at", "-pk").first()
    assert record.version == version and record.granted and record.source == "renewal"
    assert record.ip_address == "198.51.100.4"
    assert client.get("/news/").status_code == 200


def test_the_renewal_is_refused_without_the_required_box():
    person = personas.user()
    client = signed_in(person)
    new_version(Kind.TERMS, again=True)
    response = client.post(reverse("privacy:renew"), {"next": "/"})
    assert response.status_code == 200
    assert client.get("/")["Location"].startswith(reverse("privacy:renew"))


def test_a_version_that_does_not_ask_again_asks_nobody():
    person = personas.user()
    client = signed_in(person)
    new_version(Kind.TERMS, again=False)
    new_version(Kind.PRIVACY, again=True)  # the privacy policy is a notice: nobody agrees to it
    assert client.get("/").status_code == 200
    assert consents.pending_kinds(person) == []


def test_a_version_announced_ahead_asks_from_its_effective_date():
    import datetime

    import time_machine

    person = personas.user()
    new_version(Kind.TERMS, again=True, days=3)
    client = signed_in(person)
    assert client.get("/").status_code == 200
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=4)):
        assert client.get("/")["Location"].startswith(reverse("privacy:renew"))


def test_an_account_that_never_consented_is_asked():
    person = personas.user(consented=False)  # made by staff, or a social sign-up that skipped the form
    client = signed_in(person)
    response = client.get(reverse("my:dashboard"))
    assert response["Location"].startswith(reverse("privacy:renew"))
    page = client.get(response["Location"]).text
    assert 'name="consent_terms"' in page and 'name="consent_collection"' in page
    assert 'name="consent_mailing"' not in page  # never asked before: the optional one is not forced on anyone


def test_the_mailing_is_asked_again_only_of_those_who_said_yes():
    yes, no = personas.user(mailing=True), personas.user(mailing=False)
    new_version(Kind.MAILING, again=True)
    assert consents.pending_kinds(yes) == [Kind.MAILING]
    assert consents.pending_kinds(no) == []
    # Answering without the box is a no to the new version.
    client = signed_in(yes)
    client.post(reverse("privacy:renew"), {"next": "/"})
    assert not get_user_model().objects.accepting_mailings().filter(pk=yes.pk).exists()
    assert consents.pending_kinds(yes) == []


@pytest.mark.parametrize("path", ["privacy", "terms", "account_logout", "privacy:renew"])
def test_what_stays_open_while_an_answer_is_owed(path):
    client = signed_in(personas.user(consented=False))
    assert client.get(reverse(path)).status_code == 200


def test_a_signed_in_page_costs_no_query_for_consents_once_checked(django_assert_num_queries):
    person = personas.user()
    client = signed_in(person)  # the sign-in checked it
    client.get("/")
    baseline = client.get(reverse("my:dashboard"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("my:dashboard"))
    assert baseline.status_code in (200, 302)
    assert not [q for q in queries.captured_queries if "privacy_" in q["sql"]]


# --- the account page ------------------------------------------------------------------------------------


def test_the_account_page_changes_the_optional_consent_and_records_it():
    person = personas.user()
    client = signed_in(person)
    page = client.get(reverse("privacy:consents"))
    assert page.status_code == 200 and "checked" not in re.search(r'<input[^>]*name="mailing"[^>]*>', page.text)[0]
    client.post(reverse("privacy:consents"), {"mailing": "on"}, REMOTE_ADDR="192.0.2.7")
    assert get_user_model().objects.accepting_mailings().filter(pk=person.pk).exists()
    page = client.get(reverse("privacy:consents")).text
    assert "checked" in re.search(r'<input[^>]*name="mailing"[^>]*>', page)[0]
    client.post(reverse("privacy:consents"), {})
    assert not get_user_model().objects.accepting_mailings().filter(pk=person.pk).exists()
    rows = list(ConsentRecord.objects.filter(user=person, kind=Kind.MAILING).order_by("at", "pk")
                .values_list("granted", "source"))
    assert rows == [(False, "signup"), (True, "account"), (False, "account")]


def test_the_account_page_needs_a_sign_in(client):
    assert client.get(reverse("privacy:consents"))["Location"].startswith(reverse("account_login"))


# --- mailings ----------------------------------------------------------------------------------------------


def test_a_mailing_reaches_only_active_people_whose_latest_answer_is_yes():
    yes = personas.user(mailing=True)
    withdrawn = personas.user(mailing=True)
    consents.record_consents(user=withdrawn, answers={Kind.MAILING: False}, source="account")
    personas.user(mailing=False)
    personas.user(consented=False)
    inactive = personas.user(mailing=True)
    inactive.is_active = False
    inactive.save()
    assert list(get_user_model().objects.accepting_mailings()) == [yes]


def test_the_mailing_query_is_one_query_at_any_size(django_assert_num_queries):
    for _ in range(3):
        personas.user(mailing=True)
    with django_assert_num_queries(2):  # the requirements (then cached), the people
        assert len(list(get_user_model().objects.accepting_mailings())) == 3
    for _ in range(5):
        personas.user(mailing=True)
    with django_assert_num_queries(1):
        assert len(list(get_user_model().objects.accepting_mailings())) == 8


def test_consent_records_cannot_be_changed_or_deleted():
    from django.core.exceptions import ValidationError

    record = ConsentRecord.objects.filter(user=personas.user()).first()
    record.granted = not record.granted
    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(ValidationError):
        record.delete()
