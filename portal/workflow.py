"""Transition tables: which step leads from which states to which, and the one error a refused step raises.

A workflow model (a membership, a proposal, an article) declares its table once as a `Workflow` of
`Transition`s. Its services run every step through the table, under the row lock; the admin turns the
staff steps into actions (portal.admin.WorkflowAdminMixin). Because the whole table is known, a refusal
can say what to do instead: when another step leads from the current state to a state the refused step
starts from, the message names that step.

States are plain values (a model's TextChoices); this module imports no app.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class WorkflowError(ValidationError):
    """A workflow step that was refused; the message says what happened and what to do.

    A ValidationError, so forms and the admin show it as any validation message. It always holds one
    message, already formatted in the active language, so `error.message` reads as the text.
    """

    def __init__(self, message, code=None, params=None):
        super().__init__(message % params if params else message, code=code)

    def __str__(self):
        return str(self.message)


@dataclass(frozen=True)
class Transition:
    name: str  # the service's key and the admin action's name
    sources: frozenset  # the states it may start from
    target: str
    label: str  # the admin action, the confirmation page's title and its button
    verb: str  # in refusals: "cannot be <verb>"
    step: str  # in another step's refusal, what to do first: "<step> first"
    # The staff permission it needs ("app.codename"); "" for the applicant's own steps, which the admin does not offer.
    permission: str = ""
    note_required: bool = False

    @property
    def is_decision(self) -> bool:
        """A staff decision (its permission is a `decide_*` one): asked again after an old sign-in (portal.reauth)."""
        return self.permission.partition(".")[2].startswith("decide_")


class Workflow:
    """One model's transition table, with the refusals computed from it."""

    def __init__(self, *, subject, states, transitions, notes=True, notice=""):
        self.subject = subject  # the sentence subject of refusals: "This proposal"
        self.states = states  # the model's TextChoices, for the states' labels
        self.notes = notes  # whether a step takes a note (kept in the history, sent to the applicant)
        self.notice = notice  # what confirming a staff step does, for the confirmation page
        self.transitions = {t.name: t for t in transitions}
        unknown = {s for t in transitions for s in (*t.sources, t.target)} - set(states.values)
        if unknown:
            raise ValueError(f"states not in {states.__name__}: {sorted(unknown)}")

    def __getitem__(self, name) -> Transition:
        return self.transitions[name]

    def __iter__(self):
        return iter(self.transitions.values())

    def staff_transitions(self) -> list[Transition]:
        return [t for t in self if t.permission]

    def allows(self, name, state) -> bool:
        return state in self[name].sources

    def check(self, name, *, current, seen=None, note="") -> Transition:
        """The transition `name` if it may run now, else a WorkflowError.

        `current` is the state read under the row lock; `seen` the state the caller acted on (the
        instance it passed in): when the step was allowed from `seen` but not from `current`, someone
        else moved the row in between.
        """
        transition = self[name]
        if transition.note_required and not (note or "").strip():
            raise WorkflowError(_("Write a note for the applicant."), code="note_required")
        if current not in transition.sources:
            raise self.refusal(transition, current=current, seen=seen)
        return transition

    def refusal(self, transition, *, current, seen=None) -> WorkflowError:
        params = {"subject": self.subject, "status": self._label(current), "verb": transition.verb}
        if seen is not None and seen != current and seen in transition.sources:
            return WorkflowError(
                _("%(subject)s has just been changed by someone else: it is %(status)s now, so it cannot be "
                  "%(verb)s; reload the page to see its current state."),
                code="changed_meanwhile", params=params,
            )
        if current == transition.target:
            return WorkflowError(
                _("%(subject)s is already %(status)s: it cannot be %(verb)s again."), code="already", params=params
            )
        before = next((t for t in self if current in t.sources and t.target in transition.sources), None)
        if before is not None:
            return WorkflowError(
                _("%(subject)s is %(status)s, so it cannot be %(verb)s yet: %(step)s first."),
                code="step_missing", params={**params, "step": before.step},
            )
        return WorkflowError(
            _("%(subject)s is %(status)s: from this state it cannot be %(verb)s."),
            code="not_from_this_state", params=params,
        )

    def _label(self, state) -> str:
        try:
            return str(self.states(state).label).lower()
        except ValueError:
            return state
