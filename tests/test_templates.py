"""Templates ask the permission rules and the moves a person may make; they never decide for themselves from a
person's flags or an object's status (README: How the code is laid out)."""

import re

from django.conf import settings

TEMPLATES = sorted((settings.BASE_DIR / "templates").rglob("*.html"))
TAG = re.compile(r"{%\s*(?:if|elif)\b(.*?)%}", re.S)
# A team role decides what someone may do: ask the permission. (Showing "(team lead)" beside a name is fine.)
ROLE_TEST = re.compile(r"membership\.role\s*(?:==|!=)")
STATUS_TEST = re.compile(r"\.(?:status|state|result|outcome)\s*(?:==|!=|\bin\b)|\b(?:==|!=)\s*\w+\.(?:status|state)\b")


def test_templates_never_check_staff_flags_or_compare_states():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(settings.BASE_DIR / "templates")
        if "is_staff" in text or "is_superuser" in text or "is_administrator" in text:
            offenders.append(f"{name}: asks a person's flag; use {{% has_perm %}}")
        for condition in TAG.findall(text):
            if ROLE_TEST.search(condition) and "(team lead)" not in text.split(condition, 1)[1][:40]:
                offenders.append(f"{name}: decides by a team role in {{% if{condition}%}}; ask the permission")
            if STATUS_TEST.search(condition):
                offenders.append(f"{name}: compares a state in {{% if{condition}%}}")
    assert not offenders, "\n".join(offenders)


# Printed, not shown on a screen: the PDF has no phone width.
NOT_ON_SCREEN = {"print/award_report.html"}
# Rewritten in another branch (homes) with the convention; drop this once that is merged.
BEING_REWRITTEN = {"accreditation/home.html"}
TABLE = re.compile(r"<table\b[^>]*>")
CELL = re.compile(r"<td\b[^>]*>")


def test_every_table_stacks_on_a_phone_and_labels_its_cells():
    """On a phone a table's rows become blocks of label and value (static/css/app.css, `table-stack`): every table
    on a screen has the class, and every cell names its column in `data-label` (a cell that spans the whole row
    needs none)."""
    offenders = []
    for path in TEMPLATES:
        name = str(path.relative_to(settings.BASE_DIR / "templates"))
        if name in NOT_ON_SCREEN | BEING_REWRITTEN:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{name}: {tag} has no table-stack" for tag in TABLE.findall(text) if "table-stack" not in tag]
        offenders += [
            f"{name}: {tag} has no data-label"
            for tag in CELL.findall(text)
            if "data-label" not in tag and "colspan" not in tag
        ]
    assert not offenders, "\n".join(offenders)
