"""A proposal's conversation with the alliance: who reads and writes which thread, mail to the other side, the
attachment through the upload stack, the overview's count of unanswered threads, read-only states, rate limit.

What was decided (projects.threads, projects.services): the lead's owners and managers read everything, its partners'
parts included, and write in the lead's thread; a partner's owners and managers read and write their own part only;
plain members read none of it; staff read everything (both project groups) and write with
projects.message_applicants (deciders). The thread is open while the proposal is a draft, submitted, under review or
sent back for changes, and read-only once decided or withdrawn. A staff message mails the organisation it is
addressed to; an applicant's mails the staff who wrote in the proposal's conversation, or else every staff member
who may write (superusers aside).
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.models import OutgoingMail
from members.models import Membership
from portal import once
from portal.workflow import WorkflowError
from projects import services, threads
from projects.models import Message, Participant, Proposal
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db
STAFF, APPLICANT = Message.Side.STAFF, Message.Side.APPLICANT
EXE = b"MZ\x90\x00" + b"\x00" * 100


def lead_url(proposal):
    return reverse("my-proposals:messages", args=[proposal.pk])


def part_url(proposal):
    return reverse("my-proposals:part-messages", args=[proposal.pk])


def admin_url(proposal):
    return reverse("admin:projects_proposal_messages", args=[proposal.pk])


def post(proposal, author, body, *, side=APPLICANT, partner=None, attachment=None):
    return services.message_post(proposal=proposal, author=author, side=side, body=body, partner=partner,
                                 attachment=attachment)


def form(client, url, body, **extra):
    """What the page's form sends: its one-time token, the text, and an attachment if given."""
    return client.post(url, {**personas.form_once(client, threads.PURPOSE), "body": body, **extra})


@pytest.fixture
def partner_manager(partner_org):
    return personas.member(partner_org, Membership.Role.MANAGER, "manager@partner.example")


@pytest.fixture
def partner_member(partner_org):
    return personas.member(partner_org, Membership.Role.MEMBER, "member@partner.example")


@pytest.fixture
def second_partner(proposal):
    """Another partner in the same consortium, with its owner."""
    org = personas.organization("둘째부품", tier="sme")
    personas.participant(proposal, org, Participant.Role.TECHNOLOGY_SUPPLIER, gov=100, cash=40)
    personas.member(org, Membership.Role.OWNER, "owner@second.example")
    return org


@pytest.fixture
def conversation(proposal, owner, partner_org, partner_person, second_partner, decider):
    """A staff question and the lead's answer; the first partner's question about its part; the second's."""
    second_owner = Membership.objects.get(organization=second_partner).user
    post(proposal, decider, "현장 데이터 계획을 알려 주세요.", side=STAFF)
    post(proposal, owner, "LEAD-ANSWER 계획서를 보냅니다.")
    post(proposal, partner_person, "FIRST-PART 현금 비율이 맞는지요?", partner=partner_org)
    post(proposal, second_owner, "SECOND-PART 장비 목록을 바꿔도 되나요?", partner=second_partner)
    return proposal


def stored_files(settings):
    folder = settings.MEDIA_ROOT / "private" / "proposal-messages"
    return sorted(folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def superuser_client(db):
    superuser = Client()
    superuser.force_login(personas.staff("superuser@ministry.example", is_superuser=True))
    return superuser


def signed_in(client, person):
    client.force_login(person)
    return client


# --- who reads which thread ------------------------------------------------------------------------------------


def test_the_leads_owners_and_managers_read_every_thread_and_see_whose_part_each_is(client, conversation, owner,
                                                                                    manager):
    for person in (owner, manager):
        page = signed_in(client, person).get(lead_url(conversation)).text
        assert "LEAD-ANSWER" in page and "FIRST-PART" in page and "SECOND-PART" in page
        assert "Part of 중소부품" in page and "Part of 둘째부품" in page
        assert "the partner is told that you do" in page
        assert "Alliance staff" in page and "decider@ministry.example" not in page  # staff write as the alliance


def test_a_partner_reads_its_own_part_only_and_is_told_the_lead_reads_it(client, conversation, partner_person,
                                                                         partner_manager):
    for person in (partner_person, partner_manager):
        page = signed_in(client, person).get(part_url(conversation)).text
        assert "FIRST-PART" in page
        assert "LEAD-ANSWER" not in page and "현장 데이터 계획" not in page and "SECOND-PART" not in page
        assert "the lead organisation (대형제조)" in page and "other partners do not" in page


def test_the_other_partner_reads_only_its_own_part(client, conversation, second_partner):
    page = signed_in(client, Membership.objects.get(organization=second_partner).user).get(part_url(conversation))
    assert "SECOND-PART" in page.text and "FIRST-PART" not in page.text and "LEAD-ANSWER" not in page.text


def test_the_pages_refuse_by_the_company_pages_policy(client, conversation, lead_member, partner_member, outsider,
                                                      partner_person, owner, decider):
    assert client.get(lead_url(conversation))["Location"].startswith(reverse("account_login"))
    cases = [
        (lead_member, lead_url, 403), (lead_member, part_url, 404),
        (partner_member, part_url, 403), (partner_person, lead_url, 404),  # a partner uses its part's page
        (owner, part_url, 404),  # the lead has no part of its own: it writes in its thread
        (outsider, lead_url, 404), (outsider, part_url, 404),
        (decider, lead_url, 404), (decider, part_url, 404),  # staff answer in the admin
    ]
    for person, url, status in cases:
        for method in ("get", "post"):
            response = getattr(signed_in(client, person), method)(url(conversation))
            assert response.status_code == status, (person.email, url.__name__, method)
    assert Message.objects.count() == 4
    assert "take part in the conversation" in signed_in(client, lead_member).get(lead_url(conversation)).text


def test_the_proposal_page_links_each_side_to_its_thread(client, proposal, owner, partner_person, lead_member):
    detail = reverse("my-proposals:detail", args=[proposal.pk])
    assert f'href="{lead_url(proposal)}"' in signed_in(client, owner).get(detail).text
    assert f'href="{part_url(proposal)}"' in signed_in(client, partner_person).get(detail).text
    page = signed_in(client, lead_member).get(detail).text
    assert lead_url(proposal) not in page and part_url(proposal) not in page


def test_an_attachment_goes_to_those_who_read_its_message(client, proposal, owner, partner_person, partner_org,
                                                          second_partner, lead_member, decider):
    mine = post(proposal, partner_person, "첨부합니다", partner=partner_org, attachment=personas.pdf("명세.pdf"))
    url = reverse("my-proposals:message-attachment", args=[proposal.pk, mine.pk])
    assert signed_in(client, partner_person).get(url).status_code == 200
    assert signed_in(client, owner).get(url).status_code == 200  # the lead reads its partners' parts
    # Staff with MFA who read every thread (a project reviewer reads those of their panels' proposals only:
    # tests/projects/test_panels.py).
    assert signed_in(client, decider).get(url).status_code == 200
    assert signed_in(client, Membership.objects.get(organization=second_partner).user).get(url).status_code == 404
    assert signed_in(client, lead_member).get(url).status_code == 403
    other = reverse("my-proposals:message-attachment", args=[personas.ready_proposal().pk, mine.pk])
    assert signed_in(client, owner).get(other).status_code == 404  # the message is looked up in its proposal


def test_a_removed_partner_no_longer_reads_its_part_which_stays_on_record(client, conversation, partner_org,
                                                                          partner_person, superuser_client):
    Participant.objects.filter(proposal=conversation, organization=partner_org).delete()
    assert signed_in(client, partner_person).get(part_url(conversation)).status_code == 404
    assert Message.objects.of_part(partner_org).count() == 1
    page = superuser_client.get(admin_url(conversation)).text
    assert "FIRST-PART" in page and "No longer in the consortium" in page
    with pytest.raises(ValidationError):  # nor can it write there
        post(conversation, partner_person, "아직 있나요?", partner=partner_org)


# --- writing: who, where, and what the service checks ------------------------------------------------------------


def test_a_partner_writes_only_in_its_own_part(proposal, partner_person, partner_org, second_partner):
    with pytest.raises(PermissionDenied):
        post(proposal, partner_person, "리드 스레드에 씁니다")  # the lead's thread
    with pytest.raises(PermissionDenied):
        post(proposal, partner_person, "남의 몫", partner=second_partner)
    assert post(proposal, partner_person, "제 몫", partner=partner_org).partner == partner_org


def test_plain_members_and_staff_without_the_right_cannot_write(proposal, lead_member, reviewer, owner):
    for person, side in ((lead_member, APPLICANT), (reviewer, STAFF), (owner, STAFF)):
        with pytest.raises(PermissionDenied):
            post(proposal, person, "안녕하세요", side=side)
    assert not Message.objects.exists()


def test_staff_write_to_a_partner_in_the_consortium_only(proposal, decider, other_org):
    with pytest.raises(ValidationError) as refused:
        post(proposal, decider, "질문", side=STAFF, partner=other_org)
    assert "not a partner" in str(refused.value)
    with pytest.raises(ValidationError):
        post(proposal, decider, "질문", side=STAFF, partner=proposal.lead)  # the lead has its own thread
    assert not Message.objects.exists()


def test_a_message_needs_a_body_within_the_limit_in_the_form_the_model_and_the_database(client, proposal, owner):
    for body in ("", "   "):
        with pytest.raises(ValidationError):
            post(proposal, owner, body)
    with pytest.raises(ValidationError):
        post(proposal, owner, "가" * (Message.BODY_MAX + 1))
    page = form(signed_in(client, owner), lead_url(proposal), "가" * (Message.BODY_MAX + 1))
    assert page.status_code == 200 and "at most 5000 characters" in page.text
    for body in ("", "가" * (Message.BODY_MAX + 1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Message.objects.create(proposal=proposal, author=owner, side=APPLICANT, body=body)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(proposal=proposal, author=owner, side="someone", body="안녕하세요")
    assert not Message.objects.exists()


def test_the_lead_posts_through_its_page_and_the_message_reads_back(client, proposal, owner):
    response = form(signed_in(client, owner), lead_url(proposal), "  일정 질문입니다.\n둘째 줄  ")
    assert response.status_code == 302 and response["Location"] == lead_url(proposal)
    message = Message.objects.get()
    assert (message.side, message.author, message.partner, message.body) == (APPLICANT, owner, None,
                                                                              "일정 질문입니다.\n둘째 줄")
    page = client.get(lead_url(proposal)).text
    assert "Your message was sent." in page and "일정 질문입니다.<br>둘째 줄" in page


def test_a_double_click_sends_one_message(client, proposal, owner):
    signed_in(client, owner)
    data = {**personas.form_once(client, threads.PURPOSE), "body": "한 번만"}
    first, second = client.post(lead_url(proposal), data), client.post(lead_url(proposal), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == lead_url(proposal)
    assert Message.objects.count() == 1


def test_a_form_without_its_token_is_shown_again_with_what_was_written(client, proposal, owner):
    page = signed_in(client, owner).post(lead_url(proposal), {"body": "토큰 없음", once.FIELD: "forged"})
    assert page.status_code == 200 and "토큰 없음" in page.text and not Message.objects.exists()


# --- the attachment goes through the upload stack ---------------------------------------------------------------


def test_an_attachment_is_stored_privately_under_the_name_of_its_content(client, proposal, owner):
    response = form(signed_in(client, owner), lead_url(proposal), "첨부",
                    attachment=SimpleUploadedFile("../계획서.hwp", personas.PDF_BYTES))
    assert response.status_code == 302
    message = Message.objects.get()
    stored = message.attachment.name
    assert stored.startswith("private/proposal-messages/") and stored.endswith(".pdf")
    assert message.attachment_name == "계획서.hwp"
    download = client.get(reverse("my-proposals:message-attachment", args=[proposal.pk, message.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_a_bad_attachment_is_refused_with_a_message_and_nothing_is_saved(client, proposal, owner, settings):
    signed_in(client, owner)
    for name, content, says in (("계획서.pdf", EXE, "not a valid PDF/HWP/HWPX document"),
                                ("빈.pdf", b"", "file is empty")):
        page = form(client, lead_url(proposal), "첨부를 보냅니다", attachment=SimpleUploadedFile(name, content))
        assert page.status_code == 200 and says in page.text
        assert "첨부를 보냅니다" in page.text  # what was written comes back
    assert not Message.objects.exists() and not OutgoingMail.objects.exists()
    assert stored_files(settings) == []
    with pytest.raises(ValidationError) as refused:  # the service checks again, for any caller
        post(proposal, owner, "첨부", attachment=SimpleUploadedFile("a.pdf", EXE))
    assert "attachment" in refused.value.message_dict


def test_a_failed_save_takes_its_new_file_with_it(proposal, owner, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the mail queue is down")

    monkeypatch.setattr(services, "_mail_message", broken)
    with pytest.raises(RuntimeError):
        post(proposal, owner, "첨부", attachment=personas.pdf("계획.pdf"))
    assert not Message.objects.exists() and stored_files(settings) == []


# --- mail to the other side, in the same transaction -------------------------------------------------------------


def test_a_staff_message_mails_the_leads_owners_and_managers(proposal, decider, owner, manager, lead_member,
                                                             partner_person):
    post(proposal, decider, "질문드립니다.\n자료를 보내 주세요.", side=STAFF)
    run_tasks()
    [sent] = mail.outbox
    assert sorted(sent.to) == ["manager@lead.example", "owner@lead.example"]
    assert proposal.title in sent.subject and "a message from the alliance" in sent.subject
    assert "질문드립니다.\n자료를 보내 주세요." in sent.body
    assert "http" in sent.body and lead_url(proposal) in sent.body


def test_a_staff_message_about_a_partners_part_mails_that_partner_only(proposal, decider, owner, partner_org,
                                                                       partner_person, partner_manager,
                                                                       partner_member):
    post(proposal, decider, "현금 비율 확인 부탁드립니다.", side=STAFF, partner=partner_org)
    run_tasks()
    [sent] = mail.outbox
    assert sorted(sent.to) == ["manager@partner.example", "owner@partner.example"]
    assert part_url(proposal) in sent.body and "about its part" in sent.body


def test_an_applicants_message_mails_every_staff_member_who_may_answer_until_one_has(proposal, owner, decider,
                                                                                    reviewer):
    second = personas.staff("second-decider@ministry.example", group=personas.PROJECT_DECIDERS)
    personas.staff("super@ministry.example", is_superuser=True)
    personas.staff("gone@ministry.example", group=personas.PROJECT_DECIDERS, is_active=False)
    post(proposal, owner, "첫 질문입니다.")
    run_tasks()
    [first] = mail.outbox
    assert sorted(first.to) == ["decider@ministry.example", "second-decider@ministry.example"]
    assert "owner@lead.example of 대형제조 (the lead)" in first.body
    assert admin_url(proposal) in first.body
    post(proposal, second, "답변드립니다.", side=STAFF)
    post(proposal, owner, "추가 질문입니다.")
    run_tasks()
    assert mail.outbox[-1].to == ["second-decider@ministry.example"]  # the one who answered follows it


def test_a_superuser_who_answered_is_mailed_the_reply(proposal, owner, decider):
    superuser = personas.staff("super@ministry.example", is_superuser=True)
    post(proposal, superuser, "관리자가 답합니다.", side=STAFF)
    post(proposal, owner, "감사합니다. 하나 더 여쭙니다.")
    run_tasks()
    assert mail.outbox[-1].to == ["super@ministry.example"]


def test_a_partners_message_is_mailed_to_staff_and_names_the_partner(proposal, partner_person, partner_org, decider):
    post(proposal, partner_person, "몫에 대한 질문", partner=partner_org)
    run_tasks()
    [sent] = mail.outbox
    assert sent.to == ["decider@ministry.example"] and "중소부품" in sent.subject
    assert "(a partner) wrote about its part" in sent.body


def test_the_mail_is_queued_in_the_messages_transaction_and_rolled_back_with_it(proposal, owner, decider):
    with transaction.atomic():
        post(proposal, owner, "질문")
        assert OutgoingMail.objects.filter(recipients__contains=["decider@ministry.example"]).exists()
        transaction.set_rollback(True)
    assert not Message.objects.exists() and not OutgoingMail.objects.exists()
    assert Proposal.objects.get(pk=proposal.pk).awaiting_reply_since is None


def test_an_attachment_is_named_in_the_mail_not_attached(proposal, decider, owner):
    post(proposal, decider, "양식을 보냅니다.", side=STAFF, attachment=personas.pdf("양식.pdf"))
    run_tasks()
    [sent] = mail.outbox
    assert "Attachment: 양식.pdf" in sent.body and not sent.attachments


# --- unanswered threads on the admin overview ------------------------------------------------------------------


def overview_count(client):
    html = client.get(reverse("admin:index")).text
    marker = '<td data-count="awaiting-reply">'
    return int(html[html.index(marker) + len(marker):].split()[0].split("<")[0])


def test_the_overview_counts_unanswered_threads_until_staff_answer_each(client, proposal, owner, partner_person,
                                                                        partner_org, decider):
    signed_in(client, decider)
    assert overview_count(client) == 0
    post(proposal, owner, "리드 질문")
    post(proposal, partner_person, "파트너 질문", partner=partner_org)
    assert overview_count(client) == 1  # one proposal, two threads waiting
    waiting = reverse("admin:projects_proposal_changelist") + "?messages=waiting"
    assert f'href="{waiting}"' in client.get(reverse("admin:index")).text
    assert [p.pk for p in client.get(waiting).context["cl"].result_list] == [proposal.pk]
    post(proposal, decider, "리드께 답변", side=STAFF)
    assert overview_count(client) == 1  # the partner's part still waits
    post(proposal, decider, "파트너께 답변", side=STAFF, partner=partner_org)
    assert overview_count(client) == 0
    assert list(client.get(waiting).context["cl"].result_list) == []


def test_a_thread_waits_since_its_first_unanswered_message(proposal, owner, decider):
    start = timezone.now()
    services.message_post(proposal=proposal, author=owner, side=APPLICANT, body="1", now=start)
    services.message_post(proposal=proposal, author=owner, side=APPLICANT, body="2",
                          now=start + datetime.timedelta(hours=1))
    assert Proposal.objects.get(pk=proposal.pk).awaiting_reply_since == start
    assert Proposal.objects.awaiting_reply().count() == 1


def test_a_withdrawn_proposals_waiting_thread_leaves_the_count(client, proposal, owner, decider):
    post(proposal, owner, "질문")
    services.proposal_withdraw(proposal=proposal, by=owner, note="철회")
    assert Proposal.objects.awaiting_reply().count() == 0
    assert overview_count(signed_in(client, decider)) == 0


def test_the_proposal_change_page_links_to_its_thread_and_says_when_it_waits(client, proposal, owner, decider):
    post(proposal, owner, "질문")
    page = signed_in(client, decider).get(reverse("admin:projects_proposal_change", args=[proposal.pk])).text
    assert f'href="{admin_url(proposal)}"' in page and "waiting for the alliance&#x27;s answer since" in page


# --- staff's side in the admin ----------------------------------------------------------------------------------


def test_reviewers_read_the_threads_and_deciders_answer_them(client, conversation, reviewer, decider, partner_org):
    # A project reviewer reads the threads of the proposals of their panels, once they declared (issue 16).
    Proposal.objects.filter(pk=conversation.pk).update(status=Proposal.Status.SUBMITTED)
    conversation.refresh_from_db()
    personas.panel(conversation.call, members=[reviewer], proposals=[conversation])
    personas.declare(reviewer, conversation)
    page = signed_in(client, reviewer).get(admin_url(conversation))
    assert page.status_code == 200 and "FIRST-PART" in page.text and "LEAD-ANSWER" in page.text
    assert 'name="body"' not in page.text and "you may read" in page.text
    assert form(client, admin_url(conversation), "평가위원입니다").status_code == 403
    page = signed_in(client, decider).get(admin_url(conversation)).text
    assert 'name="body"' in page and "Waiting for the alliance's answer since" in page
    response = form(client, admin_url(conversation), "파트너께 답변", to=str(partner_org.pk))
    assert response.status_code == 302
    answer = Message.objects.latest("pk")
    assert (answer.side, answer.partner, answer.author) == (STAFF, partner_org, decider)


def test_the_admins_reply_goes_first_to_the_thread_that_has_waited_longest(client, conversation, decider,
                                                                           partner_org):
    page = signed_in(client, decider).get(admin_url(conversation))
    # The lead's answer came before the partners' questions.
    assert page.context["form"]["to"].value() == ""
    post(conversation, decider, "답변", side=STAFF)
    page = client.get(admin_url(conversation))
    assert page.context["form"]["to"].value() == partner_org.pk


def test_messages_are_read_only_in_the_admin(client, conversation, superuser_client):
    message = Message.objects.first()
    page = superuser_client.get(reverse("admin:projects_message_change", args=[message.pk]))
    assert page.status_code == 200 and 'name="body"' not in page.text and admin_url(conversation) in page.text
    assert superuser_client.get(reverse("admin:projects_message_delete", args=[message.pk])).status_code == 403
    assert superuser_client.get(reverse("admin:projects_message_changelist") + "add/").status_code in (403, 404)


# --- states ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", Proposal.MESSAGES_OPEN)
def test_both_sides_write_until_the_decision(proposal, owner, decider, status):
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    post(proposal, owner, "질문")
    post(proposal, decider, "답변", side=STAFF)
    assert Message.objects.count() == 2


@pytest.mark.parametrize("status", ["selected", "rejected", "withdrawn"])
def test_a_decided_or_withdrawn_proposals_thread_is_read_only(client, proposal, owner, decider, status):
    post(proposal, owner, "이전 질문")
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    for person, side in ((owner, APPLICANT), (decider, STAFF)):
        with pytest.raises(WorkflowError):
            post(proposal, person, "새 질문", side=side)
    page = signed_in(client, owner).get(lead_url(proposal)).text
    assert "이전 질문" in page and 'name="body"' not in page and "no new ones sent" in page
    response = form(client, lead_url(proposal), "그래도 보냅니다")
    assert response.status_code == 302 and Message.objects.count() == 1
    assert 'name="body"' not in signed_in(client, decider).get(admin_url(proposal)).text


# --- rate limit and query counts ---------------------------------------------------------------------------------


def test_posting_is_rate_limited(client, proposal, owner):
    signed_in(client, owner)
    for n in range(services.MESSAGES_PER_MINUTE):
        assert form(client, lead_url(proposal), f"메시지 {n}").status_code == 302
    page = form(client, lead_url(proposal), "하나 더")
    assert page.status_code == 429 and "wait a minute" in page.text and "하나 더" in page.text
    assert Message.objects.count() == services.MESSAGES_PER_MINUTE


def grow(proposal, owner, decider, partner_org, partner_person, rounds):
    """`rounds` rounds of a staff question and answers in the lead's thread and the partner's part, with files."""
    start = timezone.now() - datetime.timedelta(days=1)
    rows = []
    for n in range(rounds):
        at = start + datetime.timedelta(minutes=n)
        rows += [
            Message(proposal=proposal, author=decider, side=STAFF, body=f"질문 {n}", created_at=at),
            Message(proposal=proposal, author=owner, side=APPLICANT, body=f"답변 {n}", created_at=at,
                    attachment="private/proposal-messages/x.pdf", attachment_name=f"첨부{n}.pdf"),
            Message(proposal=proposal, author=partner_person, side=APPLICANT, body=f"몫 {n}", created_at=at,
                    partner=partner_org),
        ]
    Message.objects.bulk_create(rows)


# Session, user, membership, proposal, messages (authors and partners joined): one query for the messages whatever
# their number. The admin reads the authenticator and the staff member's permissions (two) instead of a membership,
# and the consortium's partners (the reply's choices).
QUERIES = {"lead": 5, "partner": 5, "admin": 9}  # the admin's page writes its access record (one INSERT)


@pytest.mark.parametrize("page", QUERIES)
def test_a_thread_page_runs_the_same_queries_at_any_size(client, proposal, owner, decider, partner_org,
                                                         partner_person, page, django_assert_num_queries):
    person, url = {"lead": (owner, lead_url), "partner": (partner_person, part_url),
                   "admin": (decider, admin_url)}[page]
    signed_in(client, person)
    client.get(url(proposal))  # content types cached (the admin's access record names the proposal's)
    for rounds in (1, 15):
        Message.objects.all().delete()
        grow(proposal, owner, decider, partner_org, partner_person, rounds)
        with django_assert_num_queries(QUERIES[page]):
            response = client.get(url(proposal))
        assert response.status_code == 200 and f"몫 {rounds - 1}" in response.text
