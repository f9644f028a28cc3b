"""A create form sent twice makes one object: a new proposal, an invitation, a registration.

The second POST (a double click, a browser resending) is sent to what the first made, with a message in
the visitor's language (English here: the Korean comes with the merged catalog); on PostgreSQL two POSTs
racing on two connections make one object too."""

import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from members.models import Industry, Invitation, Membership, Organization
from portal import once
from projects.models import Proposal
from tests import personas
from tests.background import run_tasks
from tests.members.test_register import form_data as registration_data
from tests.projects.test_forms import form_data as proposal_data

ONE_FORM_TWICE = "This form had already been sent"


def signed_in(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client


def new_proposal(client):
    """The lead's owner's new-proposal form, filled in: (url, data with the page's one token)."""
    person = Membership.objects.get(user_id=client.session["_auth_user_id"])
    call = personas.call()
    url = reverse("my-proposals:create", args=[call.pk])
    rows = [(person.organization, "lead", 0, 0, 0)]
    return url, {**proposal_data(call, rows), **personas.form_once(client, "my-proposals:create")}


def invitation(client):
    data = {"email": "erin@lead.example", "role": "member", **personas.form_once(client, "my:invite")}
    return reverse("my:invite"), data


def registration(client):
    data = {**registration_data(Industry.objects.get(code="machinery")),
            **personas.form_once(client, "members:register")}
    return reverse("members:register"), data


def an_owner():
    lead = personas.organization("대형제조", tier=Organization.Tier.LARGE)
    return personas.member(lead, Membership.Role.OWNER, "owner@lead.example")


FORMS = {
    # form: (who fills it in, the form, the objects it makes, where the second POST lands)
    "proposal": (an_owner, new_proposal, lambda: Proposal.objects.count(),
                 lambda: reverse("my-proposals:detail", args=[Proposal.objects.get().pk])),
    "invitation": (an_owner, invitation, lambda: Invitation.objects.count(), lambda: reverse("my:dashboard")),
    "registration": (lambda: personas.user("dana@saebom.example"), registration,
                     lambda: Organization.objects.filter(name="새봄오토메이션").count(),
                     lambda: reverse("my:dashboard")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_the_same_form_sent_twice_makes_one_object(name, django_capture_on_commit_callbacks):
    person, form, count, lands = FORMS[name]
    client = signed_in(person())
    url, data = form(client)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, copy_of(data))
        second = client.post(url, copy_of(data), follow=True)
    assert first.status_code == 302 and count() == 1
    assert second.redirect_chain[0][0] == lands()
    if name != "registration":  # a registered user is told she already belongs to an organisation
        assert ONE_FORM_TWICE in second.text
    run_tasks()
    assert len(mail.outbox) == (1 if name == "invitation" else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_a_fresh_form_after_the_first_still_works(name):
    person, form, count, _lands = FORMS[name]
    client = signed_in(person())
    url, data = form(client)
    client.post(url, data)
    if name == "registration":
        return  # one organisation per person: nothing to make a second time
    if name == "invitation":
        data = {**data, "email": "frank@lead.example"}
    _url, fresh = form(client)
    assert client.post(url, {**data, once.FIELD: fresh[once.FIELD]}).status_code == 302 and count() == 2


@pytest.mark.django_db
def test_a_form_without_its_token_is_shown_again_with_its_data_and_a_fresh_one():
    client = signed_in(an_owner())
    url, data = new_proposal(client)
    del data[once.FIELD]
    response = client.post(url, data)
    assert response.status_code == 200 and not Proposal.objects.exists()
    assert "send it again" in response.text and 'value="AI 설비 예지보전"' in response.text
    assert f'name="{once.FIELD}"' in response.text


def copy_of(data):
    """The same POST again, with its own copy of each file (a browser sends the bytes each time)."""
    files = {k: v for k, v in data.items() if hasattr(v, "read")}
    for v in files.values():
        v.seek(0)
    return {**data, **{k: SimpleUploadedFile(v.name, v.read(), v.content_type) for k, v in files.items()}}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", FORMS)
def test_two_posts_racing_on_two_connections_make_one_object(name):
    person, form, count, _lands = FORMS[name]
    someone = person()
    url, data = form(signed_in(someone))
    clients = [signed_in(someone), signed_in(someone)]  # two tabs, two sessions, one form
    start = threading.Barrier(2)
    answers = []

    def post(client):
        try:
            start.wait(10)
            answers.append(client.post(url, copy_of(data)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == [302, 302] and count() == 1
