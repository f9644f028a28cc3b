"""The person's rights: a copy of one's data (only one's own, by an expiring link for oneself), erasing the
account (re-authenticated, anonymised, history kept, the last owner hands over first, staff on request, recorded)."""

import datetime
import io
import json
import zipfile

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jobs import periodic
from jobs.models import OutgoingMail
from members.models import Membership
from privacy import exports, rights
from privacy.models import DataExport, Erasure
from projects import services as project_services
from projects.models import Message, Participant, StatusChange
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db


def signed_in(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client


def mails_to(address):
    return [m for m in OutgoingMail.objects.order_by("pk") if address in m.recipients]


def link_in(message):
    return next(line for line in message.body.splitlines() if line.startswith("http://testserver/")).removeprefix(
        "http://testserver")


def read_zip(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return json.loads(archive.read("data.json")), archive.read("data.html").decode()


@pytest.fixture
def company():
    """Two people of one organisation, each with a message in its proposal and a contact line naming them."""
    owner = personas.user("alice@hanbit.example", first_name="앨리스")
    colleague = personas.user("bob@hanbit.example", first_name="밥")
    org = personas.organization("한빛정밀", owner=owner)
    personas.join(colleague, org, Membership.Role.MANAGER)
    partner_org = personas.organization("대한부품", owner=personas.user())
    proposal = personas.proposal(personas.call(), org, created_by=owner)
    line = personas.participant(proposal, partner_org)
    Participant.objects.filter(pk=line.pk).update(contact_name="밥", contact_email="bob@hanbit.example",
                                                  contact_phone="010-1234-5678")
    for author, body in ((owner, "앨리스의 질문입니다"), (colleague, "밥의 질문입니다")):
        project_services.message_post(proposal=proposal, author=author, side=Message.Side.APPLICANT, body=body)
    return owner, colleague, org, proposal


def export_of(person):
    export = DataExport.objects.create(user=person)
    exports.export_build(export_id=export.pk)
    export.refresh_from_db()
    return export


# --- export ------------------------------------------------------------------------------------------------


def test_the_export_holds_the_persons_data_and_no_one_elses(company):
    owner, colleague, _org, _proposal = company
    export = export_of(colleague)
    with export.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        text = archive.read("data.json").decode()
        html = archive.read("data.html").decode()
    data = {section["key"]: section["data"] for section in json.loads(text)["sections"]}
    assert data["account"]["email"] == "bob@hanbit.example"
    assert data["memberships"][0]["organisation"] == "한빛정밀"
    assert [m["message"] for m in data["messages"]] == ["밥의 질문입니다"]
    assert data["proposals"]["contact_person"][0]["contact_phone"] == "010-1234-5678"
    assert data["consents"]
    for foreign in ("alice@hanbit.example", "앨리스"):
        assert foreign not in text and foreign not in html
    assert "밥의 질문입니다" in html and "<table>" in html


def test_asking_for_a_copy_mails_one_link_and_the_link_downloads_it():
    person = personas.user()
    client = signed_in(person)
    assert client.post(reverse("privacy:data")).status_code == 302
    assert client.post(reverse("privacy:data")).status_code == 302  # a second ask while it is prepared: refused
    assert DataExport.objects.filter(user=person).count() == 1
    run_tasks()
    run_tasks()
    assert len(mails_to(person.email)) == 1
    [sent] = [m for m in mail.outbox if m.to == [person.email]]
    response = client.get(link_in(sent))
    assert response.status_code == 200
    data, _html = read_zip(response)
    assert data["sections"][0]["data"]["email"] == person.email


def test_the_link_is_for_its_person_only(company):
    owner, colleague, _org, _proposal = company
    url = reverse("privacy:export-download", args=[exports.export_token(export_of(colleague))])
    assert signed_in(colleague).get(url).status_code == 200
    assert signed_in(owner).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page
    assert signed_in(colleague).get(url[:-3] + "xx/").status_code == 404  # a tampered link


def test_the_link_expires_and_the_file_is_then_removed(settings, django_capture_on_commit_callbacks):
    person = personas.user()
    export = export_of(person)
    name = export.file.name
    url = reverse("privacy:export-download", args=[exports.export_token(export)])
    later = timezone.now() + datetime.timedelta(days=settings.PRIVACY_EXPORT_LINK_DAYS, hours=1)
    with time_machine.travel(later):
        assert signed_in(person).get(url).status_code == 410
        with django_capture_on_commit_callbacks(execute=True):
            assert exports.purge_exports() == 1
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not default_storage.exists(name)


def test_the_jobs_are_registered_daily():
    jobs = {job.name: job.every for job in periodic.registered()}
    assert jobs["purge-data-exports"] == jobs["dormant-accounts"] == datetime.timedelta(hours=24)


# --- erasure -----------------------------------------------------------------------------------------------


def reauthenticate(client, password=personas.PASSWORD):
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.text


def test_erasing_asks_for_reauthentication_first(company):
    _owner, colleague, _org, _proposal = company
    client = signed_in(colleague)
    personas.confirm_identity(client, ago=600, reauthenticated=False)  # signed in ten minutes ago, never confirmed
    response = client.post(reverse("privacy:delete"), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.email == "bob@hanbit.example"


def test_erasing_anonymises_the_account_and_keeps_the_history(company):
    owner, colleague, org, proposal = company
    history = StatusChange.objects.create(proposal=proposal, by=colleague, from_status="draft", to_status="draft")
    client = signed_in(colleague)
    reauthenticate(client)
    with translation.override("en"):
        response = client.post(reverse("privacy:delete"), {"confirm": "on"})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.email == f"deleted-{colleague.pk}@deleted.invalid"
    assert (colleague.first_name, colleague.is_active, colleague.has_usable_password()) == ("", False, False)
    assert not EmailAddress.objects.filter(user=colleague).exists()
    assert not Membership.objects.filter(user=colleague).exists()
    org.refresh_from_db()
    assert org.people_count == Membership.objects.filter(organization=org).count() == 1  # the stored count follows
    assert not any(s.get_decoded().get("_auth_user_id") == str(colleague.pk) for s in Session.objects.all())
    line = Participant.objects.get(proposal=proposal, organization__name="대한부품")
    assert (line.contact_name, line.contact_email, line.contact_phone) == ("", "", "")
    # the history still names the same (now anonymous) row
    assert StatusChange.objects.get(pk=history.pk).by_id == colleague.pk
    assert Message.objects.filter(author=colleague, body="밥의 질문입니다").exists()
    assert Erasure.objects.get(user=colleague).source == Erasure.Source.SELF
    assert len(mails_to("bob@hanbit.example")) == 1  # the confirmation, to the address before it went
    # …and the admin's pages of that history still render
    admin = signed_in(personas.staff(is_superuser=True))
    assert admin.get(reverse("admin:projects_proposal_change", args=[proposal.pk])).status_code == 200
    assert admin.get(reverse("admin:projects_proposal_messages", args=[proposal.pk])).status_code == 200
    assert admin.get(reverse("admin:members_user_change", args=[colleague.pk])).status_code == 200
    # nobody signs in with the old address and password
    assert not Client().login(email="bob@hanbit.example", password=personas.PASSWORD)


def test_the_last_owner_hands_over_first(company):
    owner, colleague, org, _proposal = company
    client = signed_in(owner)
    with translation.override("en"):
        page = client.get(reverse("privacy:delete"))
        assert "You are the last owner of 한빛정밀" in page.text
        reauthenticate(client)
        assert client.post(reverse("privacy:delete"), {"confirm": "on"}).status_code == 400
    owner.refresh_from_db()
    assert owner.is_active and not Erasure.objects.exists()
    Membership.objects.filter(user=colleague).update(role=Membership.Role.OWNER)
    assert client.post(reverse("privacy:delete"), {"confirm": "on"}).status_code == 302
    assert Erasure.objects.filter(user=owner).exists()


def test_staff_erase_on_request_through_the_admin_and_it_is_recorded(company):
    _owner, colleague, _org, _proposal = company
    officer = personas.staff(group=personas.PRIVACY_OFFICERS)  # the group's rights alone
    client = signed_in(officer)
    url = reverse("admin:members_user_changelist")
    selected = {"action": "erase_on_request", "_selected_action": [colleague.pk]}
    page = client.post(url, selected)
    assert page.status_code == 200 and "reason" in page.text
    assert client.post(url, {**selected, "post": "yes", "reason": "", "reference": ""}).status_code == 200
    assert not Erasure.objects.exists()  # no reason, no erasure
    request = {"reason": "2026-11-30 서면 요청, 신분증 확인", "reference": "민원-123"}
    client.post(url, {**selected, "post": "yes", **request})
    record = Erasure.objects.get(user=colleague)
    assert (record.source, record.by, record.reference) == (Erasure.Source.REQUEST, officer, "민원-123")
    with pytest.raises(Exception):  # noqa: B017, PT011 (AppendOnly's refusal)
        record.delete()


def test_staff_without_the_permission_have_no_erase_action(company):
    _owner, colleague, _org, _proposal = company
    staff = personas.staff(permissions=[("members", "view_user"), ("members", "change_user")])
    client = signed_in(staff)
    client.post(reverse("admin:members_user_changelist"), {
        "action": "erase_on_request", "_selected_action": [colleague.pk], "post": "yes", "reason": "x"})
    assert not Erasure.objects.exists()
    with pytest.raises(Exception):  # noqa: B017, PT011
        rights.person_erase(user=colleague, by=staff, reason="x")


@pytest.mark.parametrize("requests", [1, 5])
def test_the_data_page_costs_the_same_queries_at_any_number_of_requests(requests, django_assert_num_queries):
    person = personas.user()
    DataExport.objects.bulk_create([DataExport(user=person) for _ in range(requests)])
    client = signed_in(person)
    client.get(reverse("privacy:data"))  # the consent check, once per session
    with django_assert_num_queries(3):  # the session, the user, the requests
        assert client.get(reverse("privacy:data")).status_code == 200


def test_a_request_the_task_never_finished_stops_blocking_and_is_purged(settings):
    person = personas.user()
    stuck = DataExport.objects.create(user=person, requested_at=timezone.now() - datetime.timedelta(days=2))
    rights.export_request(user=person)  # not refused: the stuck one is a day old and more
    with time_machine.travel(timezone.now() + datetime.timedelta(days=settings.PRIVACY_EXPORT_LINK_DAYS - 1)):
        assert exports.purge_exports() == 1
    assert not DataExport.objects.filter(pk=stuck.pk).exists()


def test_privacy_officers_may_erase_on_request_and_read_the_user_list_and_nothing_more(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=personas.PRIVACY_OFFICERS)
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == {
        ("privacy", "delete_person_on_request"), ("members", "view_user")}
