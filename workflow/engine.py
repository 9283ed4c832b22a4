"""The one transition mechanism: every object with a state changes it here and nowhere else.

Each app describes its lifecycles as tables from its own `AppConfig.ready()` (in its `workflows.py`): `define` names
the model and its state field, `add` puts moves in the table, and `extend` lets an app higher up attach its own guard,
record or notice to a move defined lower down (the review opens a round when the team submits). The tables live with
the layer that owns the data they check, and this module imports none of them: dependencies point one way.

`transition(obj, to=…, by=…, note=…)` locks the row, looks the move up, checks the permission and the guards (problems
in words a person can act on), changes the state, runs the move's records, writes the audit event and enqueues its
notices once the transaction commits. `by=None` is the system acting (a loader, the task worker, a scheduled job):
it may make any move in the table, and only it may make the moves that name no permission.

`available_transitions(obj, user)` gives the moves a person may make now; pages build their buttons from it.

The engine locks the object's own row. Where a permission or guard reads a parent (an assignment's assessment, an
appeal's decision), the service that calls `transition` locks the parent first, as the review and award services do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.module_loading import import_string

from .audit import audit_log, lock_audit_trail

Guard = Callable[[Any], list[str]]
Record = Callable[[Any, Any], None]


@dataclass(frozen=True)
class Transition:
    """One allowed move: from `source` to `target`, who may make it, what must be true first, what goes with it."""

    source: str
    target: str
    action: str  # the audit event's name, e.g. "accreditation.assessment.submitted"
    permission: str | None = None  # a `rules` permission checked against the object; None: only the system
    guards: tuple[Guard, ...] = ()  # each returns what stops the move, in words; empty when nothing does
    on_enter: tuple[Record, ...] = ()  # run in the transaction after the state changes: records that go with it
    # Each returns words for the audit event's note about the circumstances of the move (empty: nothing to say),
    # asked once the guards pass, before the state changes; added after the person's own note.
    notes: tuple[Callable[[Any], str], ...] = ()
    notify: tuple[str, ...] = ()  # dotted paths of tasks enqueued on commit with (object id, new state)
    # How a page offers the move. No label: the move is made elsewhere (by a service, or on another move's page).
    label: str = ""
    name: str = ""  # a slug naming the move in URLs
    url_name: str = ""
    method: str = "post"  # "get": the button is a link to a page with a form (reasons, confirmations)
    style: str = "primary"  # Bootstrap button style
    # The question the button's form asks before the move (the answer is the audit event's note); empty: none.
    reason: str = ""


@dataclass
class Workflow:
    model: type[models.Model]
    field: str
    noun: str  # how a person names the object: "This portfolio", "This award"
    select_related: tuple[str, ...] = ()
    url_kwargs: Callable[[Any, Transition], dict] = lambda obj, move: {"pk": obj.pk}
    # Words for a move the table does not have, when the app has better ones than the engine's ("This award is
    # already revoked."); returns None to let the engine say it.
    refusal: Callable[[Any, str], str | None] | None = None
    transitions: dict[tuple[str, str], Transition] = dataclasses.field(default_factory=dict)

    def label_of(self, state: str) -> str:
        choices = dict(self.model._meta.get_field(self.field).choices or ())
        return str(choices.get(state, state)).lower()


_workflows: dict[type[models.Model], Workflow] = {}


def define(
    model: type[models.Model],
    *,
    field: str = "status",
    noun: str,
    select_related: Iterable[str] = (),
    url_kwargs: Callable[[Any, Transition], dict] | None = None,
    refusal: Callable[[Any, str], str | None] | None = None,
) -> Workflow:
    """Declare that `model` has a lifecycle kept in `field`. Called once, by the app that owns the model."""
    if model in _workflows:
        raise ImproperlyConfigured(f"{model.__name__} already has a workflow.")
    workflow = Workflow(model=model, field=field, noun=noun, select_related=tuple(select_related))
    if url_kwargs is not None:
        workflow.url_kwargs = url_kwargs
    workflow.refusal = refusal
    _workflows[model] = workflow
    return workflow


def workflow_for(obj_or_model) -> Workflow:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _workflows:
            return _workflows[klass]
    raise ImproperlyConfigured(f"{model.__name__} has no workflow.")


def workflows() -> list[Workflow]:
    return list(_workflows.values())


def add(model: type[models.Model], *moves: Transition) -> None:
    """Put moves in a model's table. A move may be added once."""
    table = workflow_for(model).transitions
    for move in moves:
        key = (move.source, move.target)
        if key in table:
            raise ImproperlyConfigured(f"{model.__name__}: the move {key} is already in the table.")
        table[key] = move


def extend(
    model: type[models.Model],
    source: str,
    target: str,
    *,
    guards: Iterable[Guard] = (),
    on_enter: Iterable[Record] = (),
    notify: Iterable[str] = (),
) -> None:
    """Attach guards, records or notices to a move already in the table (from an app that builds on its owner)."""
    table = workflow_for(model).transitions
    try:
        move = table[(source, target)]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__}: no move {source} → {target} to extend.") from None
    table[(source, target)] = dataclasses.replace(
        move,
        guards=move.guards + tuple(guards),
        on_enter=move.on_enter + tuple(on_enter),
        notify=move.notify + tuple(notify),
    )


def _enqueue(task_path: str, *args: Any) -> None:
    import_string(task_path).enqueue(*args)


def enqueue_on_commit(task_path: str, *args: Any) -> None:
    """Enqueue a background task once the transaction commits (at once outside one). Tasks sit on top of every app,
    so the layers below name them by dotted path; this is the one place such a path is resolved."""
    transaction.on_commit(partial(_enqueue, task_path, *args))


def problems_for(obj, to: str) -> list[str]:
    """What stops `obj` moving to `to` now, whoever asks (the guards only, not the permission)."""
    workflow = workflow_for(obj)
    move = workflow.transitions.get((getattr(obj, workflow.field), to))
    if move is None:
        return [_cannot(workflow, obj, to)]
    return [problem for guard in move.guards for problem in guard(obj)]


def _cannot(workflow: Workflow, obj, to: str) -> str:
    if workflow.refusal is not None and (words := workflow.refusal(obj, to)):
        return words
    return (
        f"{workflow.noun} is {workflow.label_of(getattr(obj, workflow.field))}; "
        f"it cannot become {workflow.label_of(to)}."
    )


def check_permission(obj, *, to: str, by) -> None:
    """Refuse (PermissionDenied) a person who may not make this move now, before a service looks at what they typed:
    an outsider learns nothing from the form's error messages. When the object cannot make the move from its state,
    the person must still be one who may make some move to `to`, or they are refused before being told why."""
    if by is None:
        return
    workflow = workflow_for(obj)
    move = workflow.transitions.get((getattr(obj, workflow.field), to))
    moves = [move] if move is not None else [m for m in workflow.transitions.values() if m.target == to]
    if not any(m.permission is not None and by.has_perm(m.permission, obj) for m in moves):
        raise PermissionDenied


@transaction.atomic
def transition(
    obj: models.Model,
    *,
    to: str,
    by,
    note: str = "",
    fields: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
):
    """Move `obj` to state `to` if its table allows it, `by` may, and nothing stands in the way. Returns the object
    as it now is (locked until the transaction ends). `fields` are other columns set with the move (a reason, a
    date); `data` goes into the audit event."""
    workflow = workflow_for(obj)
    fields = dict(fields or {})
    if workflow.field in fields:
        raise TypeError("The state changes through `to`, not through `fields`.")
    lock_audit_trail()
    rows = workflow.model._default_manager.select_for_update(of=("self",))
    if workflow.select_related:
        rows = rows.select_related(*workflow.select_related)
    current = rows.get(pk=obj.pk)
    previous = getattr(current, workflow.field)
    move = workflow.transitions.get((previous, to))
    if move is None:
        raise ValidationError(_cannot(workflow, current, to))
    if by is not None and (move.permission is None or not by.has_perm(move.permission, current)):
        raise PermissionDenied
    if problems := [problem for guard in move.guards for problem in guard(current)]:
        raise ValidationError(problems)
    note = " ".join(words for words in (note, *(explain(current) for explain in move.notes)) if words)
    for name, value in fields.items():
        setattr(current, name, value)
    setattr(current, workflow.field, to)
    current.save(update_fields=[workflow.field, *fields])
    for record in move.on_enter:
        record(current, by)
    audit_log(actor=by, action=move.action, target=current, from_state=previous, to_state=to, note=note, data=data)
    for task_path in move.notify:
        transaction.on_commit(partial(_enqueue, task_path, current.pk, to))
    return current


@dataclass
class Move:
    """A move a person may make now, as a page offers it."""

    obj: Any
    transition: Transition
    workflow: Workflow = field(repr=False)

    @property
    def to(self) -> str:
        return self.transition.target

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def label(self) -> str:
        return self.transition.label

    @property
    def method(self) -> str:
        return self.transition.method

    @property
    def style(self) -> str:
        return self.transition.style

    @property
    def needs_reason(self) -> bool:
        return bool(self.transition.reason)

    @property
    def reason(self) -> str:
        return self.transition.reason

    @cached_property
    def url(self) -> str:
        return reverse(self.transition.url_name, kwargs=self.workflow.url_kwargs(self.obj, self.transition))

    @cached_property
    def problems(self) -> list[str]:
        """What stands in the way (guards run only when a page asks)."""
        return [problem for guard in self.transition.guards for problem in guard(self.obj)]


def available_transitions(obj, user, *, offered: bool = True) -> list[Move]:
    """The moves `user` may make on `obj` now, by permission. With `offered`, only those a page shows as a button."""
    if obj is None or user is None:
        return []
    workflow = workflow_for(obj)
    state = getattr(obj, workflow.field)
    return [
        Move(obj=obj, transition=move, workflow=workflow)
        for (source, _), move in workflow.transitions.items()
        if source == state
        and (move.label or not offered)
        and move.permission is not None
        and user.has_perm(move.permission, obj)
    ]
