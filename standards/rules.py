"""Who may see and change the standards library."""

import rules

from workflow.rules import is_administrator


@rules.predicate
def edition_is_public(user, edition) -> bool:
    return edition is not None and edition.status != "draft"


@rules.predicate
def edition_is_draft(user, obj) -> bool:
    """True for a draft edition, or for anything that belongs to one (value, standard, award rule)."""
    if obj is None:
        return True
    edition = obj if hasattr(obj, "is_draft") else obj.owning_edition()
    return edition is None or edition.is_draft


rules.add_perm("standards", is_administrator)
rules.add_perm("standards.browse_edition", edition_is_public | is_administrator)
rules.add_perm("standards.view_edition", is_administrator)
rules.add_perm("standards.add_edition", is_administrator)
rules.add_perm("standards.change_edition", is_administrator & edition_is_draft)
rules.add_perm("standards.delete_edition", is_administrator & edition_is_draft)
for model in ("value", "standard", "awardrule"):
    rules.add_perm(f"standards.view_{model}", is_administrator)
    rules.add_perm(f"standards.add_{model}", is_administrator)
    rules.add_perm(f"standards.change_{model}", is_administrator & edition_is_draft)
    rules.add_perm(f"standards.delete_{model}", is_administrator & edition_is_draft)
rules.add_perm("standards.publish_edition", is_administrator)
rules.add_perm("standards.retire_edition", is_administrator)
