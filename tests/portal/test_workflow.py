"""The transition table and its one error: refusals say what happened and what to do, from the table alone."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from portal.workflow import Transition, Workflow, WorkflowError


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    SELECTED = "selected", "Selected"
    WITHDRAWN = "withdrawn", "Withdrawn"


S = Status
TABLE = Workflow(subject="This proposal", states=Status, transitions=[
    Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, "Submit", "submitted", "submit it"),
    Transition("start_review", frozenset({S.SUBMITTED}), S.UNDER_REVIEW, "Start review", "put under review",
               "start the review", permission="projects.decide_proposal"),
    Transition("select", frozenset({S.UNDER_REVIEW}), S.SELECTED, "Select", "selected", "select it",
               permission="projects.decide_proposal", note_required=True),
    Transition("withdraw", frozenset({S.DRAFT, S.SUBMITTED}), S.WITHDRAWN, "Withdraw", "withdrawn", "withdraw it"),
])


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(name, current, seen=None, note="x"):
    with pytest.raises(WorkflowError) as error:
        TABLE.check(name, current=current, seen=seen, note=note)
    return error.value


def test_a_step_runs_from_each_of_its_sources():
    assert TABLE.check("withdraw", current=S.DRAFT) is TABLE["withdraw"]
    assert TABLE.check("withdraw", current=S.SUBMITTED) is TABLE["withdraw"]


def test_a_refusal_names_the_step_that_leads_to_a_state_it_starts_from():
    error = refusal("select", S.SUBMITTED)
    assert error.message == "This proposal is submitted, so it cannot be selected yet: start the review first."
    assert error.code == "step_missing"


def test_without_such_a_step_the_refusal_says_it_cannot_happen_from_this_state():
    error = refusal("start_review", S.WITHDRAWN)
    assert error.message == "This proposal is withdrawn: from this state it cannot be put under review."
    assert error.code == "not_from_this_state"


def test_a_step_to_the_state_it_is_in_says_already():
    error = refusal("select", S.SELECTED)
    assert error.message == "This proposal is already selected: it cannot be selected again."


def test_a_state_changed_since_the_caller_read_it_is_a_lost_race():
    error = refusal("select", S.SELECTED, seen=S.UNDER_REVIEW)
    assert error.code == "changed_meanwhile"
    assert "someone else" in error.message and "reload the page" in error.message


def test_a_stale_read_that_was_refused_anyway_is_not_called_a_race():
    assert refusal("select", S.SUBMITTED, seen=S.DRAFT).code == "step_missing"


def test_a_step_that_needs_a_note_is_refused_without_one():
    error = refusal("select", S.UNDER_REVIEW, note="  ")
    assert error.code == "note_required"
    assert TABLE.check("select", current=S.UNDER_REVIEW, note="좋음") is TABLE["select"]


def test_the_error_is_a_validation_error_with_one_readable_message():
    error = refusal("select", S.SUBMITTED)
    assert isinstance(error, ValidationError)
    assert error.messages == [error.message] == [str(error)]


def test_only_steps_with_a_permission_are_staff_steps():
    assert [t.name for t in TABLE.staff_transitions()] == ["start_review", "select"]


def test_a_table_naming_a_state_the_model_does_not_have_is_refused():
    with pytest.raises(ValueError, match="archived"):
        Workflow(subject="x", states=Status, transitions=[
            Transition("archive", frozenset({S.DRAFT}), "archived", "Archive", "archived", "archive it"),
        ])
