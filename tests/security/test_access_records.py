"""Access records: every private document handed out and every staff view of a person's details writes exactly
one record (who, when, what, from where); records are browsed and exported by staff with the right, and
nobody changes or deletes them, in the admin or by a crafted request. Old ones go after the retention period."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.tasks import purge_old_access_records
from portal.models import AccessRecord
from tests import personas
from tests.security.matrix import try_cell

pytestmark = pytest.mark.django_db
READERS = "Access record readers"


@pytest.fixture(autouse=True)
def _no_records_yet(world):
    """The world holds one record (for the admin's pages): these tests count from none."""
    AccessRecord.objects.all().delete()  # a queryset delete, as the retention task's; the model refuses its own


def client_of(person, **extra):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **extra)
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client


def downloads(world):
    """(url, object, field) of every private document of the world."""
    return [
        (reverse("members:tier-proof", args=[world.org_a.pk]), world.org_a, "tier_proof"),
        (reverse("members:certificate-file", args=[world.certificate.pk]), world.certificate, "file"),
        (reverse("my-proposals:document", args=[world.proposal.pk]), world.proposal, "document"),
        (reverse("my-proposals:annex", args=[world.proposal.pk, world.annex.pk]), world.annex, "file"),
    ]


def read(response):
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("persona", ["owner", "superuser"])
def test_each_private_download_writes_exactly_one_record(world, persona):
    person = getattr(world, persona)
    client = client_of(person, REMOTE_ADDR="203.0.113.50")
    for url, obj, field in downloads(world):
        before = AccessRecord.objects.count()
        response = read(client.get(url))
        assert response.status_code == 200, url
        assert AccessRecord.objects.count() == before + 1, url
        record = AccessRecord.objects.order_by("-pk").first()
        assert (record.by, record.by_email, record.action) == (person, person.email, "download")
        assert record.content_type == ContentType.objects.get_for_model(obj) and record.object_id == str(obj.pk)
        assert record.what == field and record.path == url and record.ip_address == "203.0.113.50"
        assert abs(record.at - timezone.now()) < datetime.timedelta(minutes=1)


def test_a_refused_download_writes_nothing(world):
    client = client_of(world.outsider)
    for url, _obj, _field in downloads(world):
        assert client.get(url).status_code == 404
    assert not AccessRecord.objects.exists()


def test_a_public_cover_picture_is_not_a_record(world, client):
    read(client.get(reverse("news:cover", args=[world.article.slug])))
    assert not AccessRecord.objects.exists()


def test_behind_a_trusted_proxy_the_record_holds_the_clients_address(world, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = client_of(world.owner, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.77")
    read(client.get(downloads(world)[0][0]))
    assert AccessRecord.objects.get().ip_address == "198.51.100.77"


def test_a_download_costs_one_insert_more_and_no_more(world, django_assert_num_queries):
    client = client_of(world.owner)
    url = downloads(world)[2][0]
    read(client.get(url))  # content types cached
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        read(client.get(url))
    writes = [q["sql"] for q in queries.captured_queries if "portal_accessrecord" in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("INSERT")


# --- the admin's pages of people ---------------------------------------------------------------------------

STAFF_VIEWS = [
    ("admin:members_user_change", lambda w: w.member, "superuser"),
    ("admin:members_organization_change", lambda w: w.org_a, "membership_reviewer"),
    ("admin:members_changerequest_change", lambda w: w.change_request, "membership_reviewer"),
    ("admin:projects_proposal_change", lambda w: w.proposal, "superuser"),
]


@pytest.mark.parametrize(("name", "target", "persona"), STAFF_VIEWS)
def test_each_staff_view_of_a_person_writes_exactly_one_record(world, name, target, persona):
    staff = getattr(world, persona)
    obj = target(world)
    url = reverse(name, args=[obj.pk])
    response = client_of(staff, REMOTE_ADDR="198.51.100.8").get(url)
    assert response.status_code == 200
    record = AccessRecord.objects.get()
    assert (record.by, record.action, record.object_id, record.ip_address) == (staff, "admin_view", str(obj.pk),
                                                                               "198.51.100.8")
    assert record.content_type == ContentType.objects.get_for_model(obj) and record.what


def test_the_admins_message_thread_of_a_proposal_writes_exactly_one_record(world):
    url = reverse("admin:projects_proposal_messages", args=[world.proposal.pk])
    response = client_of(world.project_decider, REMOTE_ADDR="198.51.100.9").get(url)
    assert response.status_code == 200
    record = AccessRecord.objects.get()
    assert (record.by, record.action, record.object_id, record.path) == (
        world.project_decider, "admin_view", str(world.proposal.pk), url)
    assert record.content_type == ContentType.objects.get_for_model(world.proposal) and "messages" in record.what


def test_a_refused_message_thread_writes_nothing(world):
    url = reverse("admin:projects_proposal_messages", args=[world.proposal.pk])
    for persona in ("membership_reviewer", "staff_no_mfa", "owner"):
        assert client_of(getattr(world, persona)).get(url).status_code in (302, 403)
    assert not AccessRecord.objects.exists()


def test_a_refused_admin_view_writes_nothing(world):
    for persona in ("project_reviewer", "staff_no_mfa", "owner"):
        client_of(getattr(world, persona)).get(reverse("admin:members_organization_change", args=[world.org_a.pk]))
    assert not AccessRecord.objects.exists()


def test_the_lists_are_not_records(world):
    client_of(world.superuser).get(reverse("admin:members_user_changelist"))
    assert not AccessRecord.objects.exists()


# --- browsing the records ------------------------------------------------------------------------------


@pytest.fixture
def records(world):
    client = client_of(world.owner)
    for url, _obj, _field in downloads(world):
        read(client.get(url))
    return list(AccessRecord.objects.order_by("pk"))


def test_readers_browse_and_export_the_records(world, records):
    reader = personas.staff(group=READERS)
    client = client_of(reader)
    listing = client.get(reverse("admin:portal_accessrecord_changelist"))
    assert listing.status_code == 200 and world.owner.email in listing.text
    assert client.get(reverse("admin:portal_accessrecord_change", args=[records[0].pk])).status_code == 200
    export = client.get(reverse("admin:portal_accessrecord_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    body = export.content.decode("utf-8-sig")
    assert body.count(world.owner.email) == len(records)


def test_other_staff_cannot_see_the_records(world, records):
    for persona in ("membership_reviewer", "project_decider", "plain_staff"):
        client = client_of(getattr(world, persona))
        assert client.get(reverse("admin:portal_accessrecord_changelist")).status_code == 403
        assert client.get(reverse("admin:portal_accessrecord_export")).status_code == 403


def test_the_records_list_costs_the_same_queries_at_any_size(world, records, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(personas.staff(group=READERS))
    url = reverse("admin:portal_accessrecord_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    owner = client_of(world.owner)
    for _ in range(3):
        for download_url, _obj, _field in downloads(world):
            read(owner.get(download_url))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize("persona", ["superuser", "reader"])
def test_nobody_adds_changes_or_deletes_a_record_in_the_admin(world, records, persona):
    person = personas.staff(group=READERS) if persona == "reader" else world.superuser
    client = client_of(person)
    record = records[0]
    change = reverse("admin:portal_accessrecord_change", args=[record.pk])
    page = client.get(change).text
    assert 'name="_save"' not in page and "deletelink" not in page
    crafted = [
        (reverse("admin:portal_accessrecord_add"), {"by_email": "x@example.com", "what": "x"}),
        (change, {"by_email": "someone-else@example.com", "what": "nothing", "_save": "Save"}),
        (reverse("admin:portal_accessrecord_delete", args=[record.pk]), {"post": "yes"}),
        (reverse("admin:portal_accessrecord_changelist"),
         {"action": "delete_selected", "_selected_action": [r.pk for r in records], "post": "yes"}),
    ]
    for url, data in crafted:
        response = try_cell(client, "POST", url, data)
        assert response in (403, 302, 200), (url, response)
    assert list(AccessRecord.objects.order_by("pk").values_list()) == [
        tuple(r) for r in AccessRecord.objects.filter(pk__in=[x.pk for x in records]).order_by("pk").values_list()
    ]
    assert AccessRecord.objects.count() == len(records)
    assert AccessRecord.objects.get(pk=record.pk).by_email == world.owner.email


def test_the_model_refuses_changes_and_deletion(world, records):
    from django.core.exceptions import ValidationError

    record = records[0]
    record.what = "nothing"
    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(ValidationError):
        record.delete()


# --- retention ----------------------------------------------------------------------------------------------


def test_the_retention_task_deletes_only_records_older_than_the_period(world, records, settings):
    settings.PORTAL_ACCESS_RECORD_RETENTION_DAYS = 730
    now = timezone.now()
    old, just_kept, recent = records[:3]
    # Dated back by hand: the model itself refuses any change.
    AccessRecord.objects.filter(pk=old.pk).update(at=now - datetime.timedelta(days=730, hours=1))
    AccessRecord.objects.filter(pk=just_kept.pk).update(at=now - datetime.timedelta(days=729, hours=23))
    assert purge_old_access_records.call() == {"deleted": 1}
    assert set(AccessRecord.objects.values_list("pk", flat=True)) == {r.pk for r in records} - {old.pk}
    assert AccessRecord.objects.filter(pk=recent.pk).exists()


def test_the_retention_job_runs_daily():
    from jobs import periodic

    job = next(j for j in periodic.registered() if j.name == "purge-old-access-records")
    assert job.every == datetime.timedelta(hours=24)


def test_the_retention_setting_cannot_be_under_two_years():
    import os
    import subprocess
    import sys

    env = {**os.environ, "PORTAL_ACCESS_RECORD_RETENTION_DAYS": "365", "DJANGO_DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                            text=True)
    assert result.returncode != 0 and "PORTAL_ACCESS_RECORD_RETENTION_DAYS" in result.stderr
