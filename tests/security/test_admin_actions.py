"""The admin's workflow actions are carried out only by the group that owns them.

Each decision action (memberships, proposals, news) is posted, confirmation included, by
every staff persona. The table says who may; for everyone else the database must not change.
The allowed personas must really change it, which proves each request was well-formed.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Organization
from news.models import Article
from projects.models import Proposal
from tests.security.conftest import changed_tables, snapshot
from tests.security.matrix import try_cell
from tests.security.world import STAFF_GROUPS, organization, user

pytestmark = pytest.mark.django_db

STAFF = (*STAFF_GROUPS, "superuser")
CONFIRMATION = {"post": "yes", "note": "검토 결과를 알려 드립니다."}


def pending_org(world):
    return organization("심사대기", owner=user("pending-owner@example.com"), status=Organization.Status.PENDING)


def suspended_org(world):
    return organization("정지회원", owner=user("suspended-owner@example.com"), status=Organization.Status.SUSPENDED)


def proposal_in(status):
    def make(world):
        Proposal.objects.filter(pk=world.proposal.pk).update(status=status, submitted_at=timezone.now())
        return world.proposal

    return make


def draft_article(world):
    Article.objects.filter(pk=world.article.pk).update(status="draft")
    return world.article


# (changelist, action, object to act on, personas who may)
ACTIONS = [
    ("members_organization", "approve", pending_org, {"membership_reviewer", "superuser"}),
    ("members_organization", "request_changes", pending_org, {"membership_reviewer", "superuser"}),
    ("members_organization", "reject", pending_org, {"membership_reviewer", "superuser"}),
    ("members_organization", "suspend", lambda w: w.org_a, {"membership_reviewer", "superuser"}),
    ("members_organization", "reinstate", suspended_org, {"membership_reviewer", "superuser"}),
    ("projects_proposal", "start_review", proposal_in("submitted"), {"project_decider", "superuser"}),
    ("projects_proposal", "request_changes", proposal_in("submitted"), {"project_decider", "superuser"}),
    ("projects_proposal", "select", proposal_in("under_review"), {"project_decider", "superuser"}),
    ("projects_proposal", "reject", proposal_in("under_review"), {"project_decider", "superuser"}),
    ("news_article", "publish", draft_article, {"news_editor", "superuser"}),
    ("news_article", "unpublish", lambda w: w.article, {"news_editor", "superuser"}),
]


@pytest.mark.parametrize(("changelist", "action", "target", "allowed"), ACTIONS,
                         ids=[f"{c}-{a}" for c, a, _t, _p in ACTIONS])
def test_only_the_owning_group_can_carry_out_an_admin_action(changelist, action, target, allowed, world, client_for):
    obj = target(world)
    url = reverse(f"admin:{changelist}_changelist")
    data = {"action": action, "_selected_action": [str(obj.pk)], **CONFIRMATION}
    clients = {persona: client_for(persona) for persona in STAFF}
    wrong = []
    for persona, client in clients.items():
        before, seen = snapshot(), {}

        def look(_response, before=before, seen=seen):
            seen["changed"] = changed_tables(before, snapshot())  # inside the cell, before the rollback

        try_cell(client, "POST", url, data, inspect=look)
        did = bool(seen["changed"])
        if did != (persona in allowed):
            wrong.append(f"{persona}: {'carried it out' if did else 'could not'} ({seen['changed']})")
    assert not wrong, f"{action} on {changelist}:\n" + "\n".join(wrong)


def test_a_reviewer_cannot_score_through_a_decider_and_vice_versa(world, client_for):
    url = reverse("admin:projects_proposal_score", args=[world.proposal.pk])
    Proposal.objects.filter(pk=world.proposal.pk).update(status="under_review")
    for persona in ("project_decider", "membership_reviewer", "news_editor", "plain_staff"):
        client = client_for(persona)
        before = snapshot()
        response = client.post(url, {"comment": "x", "recused": ""})
        assert response.status_code == 403, persona
        assert changed_tables(before, snapshot()) == [], persona


def test_an_action_run_today_is_recorded_with_who_did_it(world, client_for):
    """The allowed path leaves a history row naming the member of staff (the record the decision needs)."""
    org = pending_org(world)
    client_for("membership_reviewer").post(
        reverse("admin:members_organization_changelist"),
        {"action": "approve", "_selected_action": [str(org.pk)], **CONFIRMATION},
    )
    change = org.status_changes.order_by("-at", "-pk").first()
    assert change.to_status == Organization.Status.APPROVED and change.by == world.membership_reviewer
    assert timezone.now() - change.at < datetime.timedelta(minutes=5)


DECIDER = {"members_organization": "membership_reviewer", "projects_proposal": "project_decider",
           "news_article": "news_editor"}
MODELS = {"members_organization": Organization, "projects_proposal": Proposal, "news_article": Article}


@pytest.mark.parametrize(("changelist", "action", "target", "_allowed"), ACTIONS,
                         ids=[f"{c}-{a}" for c, a, _t, _p in ACTIONS])
def test_every_staff_step_is_confirmed_on_the_one_page(changelist, action, target, _allowed, world, client_for):
    obj = target(world)
    transition = MODELS[changelist].WORKFLOW[action]
    client = client_for(DECIDER[changelist], HTTP_ACCEPT_LANGUAGE="en")
    before = snapshot()
    response = client.post(
        reverse(f"admin:{changelist}_changelist"), {"action": action, "_selected_action": [str(obj.pk)]}
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "admin/workflow_confirm.html"
    html = response.content.decode()
    content = html.split('id="content"', 1)[1]  # the header has a log-out button of its own
    assert str(obj) in content and f'<input type="submit" value="{transition.label}">' in content
    assert html.count("<h1") == 1 and content.count('type="submit"') == 1
    if MODELS[changelist].WORKFLOW.notes:
        textarea = re.search(r"<textarea[^>]*>", content).group(0)
        assert '<label for="id_note">' in content and 'id="id_note"' in textarea
        assert (" required" in textarea) == transition.note_required
    else:
        assert 'name="note"' not in content
    assert changed_tables(before, snapshot()) == []


NOTE_REQUIRED = [(c, a, t) for c, a, t, _p in ACTIONS if MODELS[c].WORKFLOW[a].note_required]


@pytest.mark.parametrize(("changelist", "action", "target"), NOTE_REQUIRED,
                         ids=[f"{c}-{a}" for c, a, _t in NOTE_REQUIRED])
def test_a_step_that_needs_a_note_changes_nothing_without_one(changelist, action, target, world, client_for):
    obj = target(world)
    client = client_for(DECIDER[changelist], HTTP_ACCEPT_LANGUAGE="en")
    before = snapshot()
    response = client.post(
        reverse(f"admin:{changelist}_changelist"),
        {"action": action, "_selected_action": [str(obj.pk)], "post": "yes", "note": "  "},
    )
    assert response.status_code == 200
    assert "Write a note for the applicant." in response.content.decode()
    assert changed_tables(before, snapshot()) == []
