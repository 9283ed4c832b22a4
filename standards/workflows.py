"""An edition's lifecycle: a draft is published once complete, and retired when a newer edition replaces it."""

from workflow.engine import Transition, add, define

from .models import Edition
from .services import edition_publish_problems

E = Edition.Status


def _refusal(edition: Edition, to: str) -> str:
    return (
        f"The {edition.code} edition is {edition.get_status_display().lower()}; "
        f"it cannot become {Edition.Status(to).label.lower() if to in Edition.Status.values else to}."
    )


def register() -> None:
    define(Edition, noun="This edition", refusal=_refusal)
    add(
        Edition,
        Transition(
            E.DRAFT,
            E.PUBLISHED,
            action="standards.edition.published",
            permission="standards.publish_edition",
            guards=(edition_publish_problems,),
        ),
        Transition(E.PUBLISHED, E.RETIRED, action="standards.edition.retired", permission="standards.retire_edition"),
    )
