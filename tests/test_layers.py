"""The shape of the code, checked from its source (the AST), so the rules in README's "How the code is laid out" hold:

- no two project modules import each other, directly or through others, counting imports inside functions;
- each app imports only the apps below it (workflow ← standards ← accreditation ← reviews ← awards), except for the
  modules that sit on top of every app (views, admin, urls, forms, tasks, template tags, management commands);
- no project module is reached through import_module / import_string to get round a cycle: a dotted path is
  resolved in one place only, `workflow.engine` (tasks, which sit on top, enqueued from the layers below);
- no code outside the workflow engine assigns a state field or `.update()`s one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = ["workflow", "standards", "accreditation", "reviews", "awards"]
# Modules that sit on top of every app: nothing below imports them, and they may import any app.
TOP = {"views", "admin", "urls", "forms", "tasks", "templatetags", "management", "settings", "wsgi", "asgi", "apps"}
# The project package's own plumbing (settings, URLs, WSGI) lives in accreditation but belongs to no layer.
PROJECT_PLUMBING = {"accreditation.urls", "accreditation.wsgi", "accreditation.asgi", "accreditation.middleware"}


def project_modules() -> dict[str, Path]:
    modules = {}
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts:
                continue
            parts = list(relative.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = project_modules()


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _known(name: str) -> str | None:
    """The project module `name` refers to (a module, or the module holding the name imported from it)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    """Every project module `module` imports, anywhere in it (top level, functions, TYPE_CHECKING blocks)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if target := _known(alias.name):
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            for alias in node.names:
                target = _known(f"{base}.{alias.name}") or _known(base)
                if target:
                    found.add(target)
    found.discard(module)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def layer_of(module: str) -> int | None:
    """The layer of a module, or None for the modules on top of every app."""
    if module in PROJECT_PLUMBING or any(part in TOP for part in module.split(".")[1:]):
        return None
    return LAYERS.index(module.split(".")[0])


def test_the_graph_covers_the_project():
    assert len(MODULES) > 60
    assert "workflow.engine" in MODULES and "awards.services" in MODULES
    assert "accreditation.models" in GRAPH["awards.models"]


def test_no_import_cycles():
    """Depth-first search; reports the first cycle found as a path of modules."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (cycle := visit(module)):
            pytest.fail("Import cycle: " + " → ".join(cycle))


def test_each_app_imports_only_the_layers_below_it():
    wrong = []
    for module, targets in sorted(GRAPH.items()):
        mine = layer_of(module)
        if mine is None:
            continue
        for target in sorted(targets):
            theirs = layer_of(target)
            if theirs is None or theirs > mine:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "Imports that point up a layer (or into views/tasks/admin):\n" + "\n".join(wrong)


def _calls(tree: ast.AST, names: set[str]):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in names:
                yield node


def test_no_project_module_is_imported_by_name_to_get_round_a_cycle():
    offenders = []
    for module, path in sorted(MODULES.items()):
        if module == "workflow.engine":
            continue  # the one place a task's dotted path is resolved
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, {"import_module", "import_string", "__import__"}):
            offenders.append(f"{module}:{call.lineno}")
    assert not offenders, f"import_module/import_string outside workflow.engine: {offenders}"


def state_fields() -> set[str]:
    from workflow.engine import workflows

    return {workflow.field for workflow in workflows()}


WRITERS = {"update", "bulk_update", "create", "get_or_create", "update_or_create", "bulk_create"}


def state_changes(tree: ast.AST, fields: set[str]) -> list[str]:
    """Every place in `tree` that sets one of `fields`: an assignment (plain, augmented, in a tuple), a `setattr`
    naming it, a keyword (or a `**{...}` key) of a query writer (`update`, `create`, …) or of a model's constructor."""
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(element, ast.Attribute) and element.attr in fields:
                    found.append(f"{node.lineno} assigns .{element.attr}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "setattr" and len(node.args) > 1:
            if isinstance(node.args[1], ast.Constant) and node.args[1].value in fields:
                found.append(f"{node.lineno} setattr {node.args[1].value}")
            continue
        if not (name in WRITERS or name[:1].isupper()):
            continue
        named = {keyword.arg for keyword in node.keywords if keyword.arg}
        for keyword in node.keywords:
            if keyword.arg is None and isinstance(keyword.value, ast.Dict):
                named |= {key.value for key in keyword.value.keys if isinstance(key, ast.Constant)}
        if named & fields:
            found.append(f"{node.lineno} {name}({', '.join(sorted(named & fields))}=…)")
    return found


def test_state_fields_change_only_in_the_workflow_engine():
    fields = state_fields()
    assert fields >= {"status", "state"}
    offenders = []
    for module, path in sorted(MODULES.items()):
        if module == "workflow.engine":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{module}:{where}" for where in state_changes(tree, fields)]
    assert not offenders, "State changes outside workflow.engine.transition:\n" + "\n".join(offenders)


def test_the_state_check_catches_each_way_of_changing_a_state():
    """The checker above, run on code that does each forbidden thing, finds every one (and nothing else)."""
    sample = """
def bad(assessment, Assessment, Award, report):
    assessment.status = "decided"
    assessment.status, other = "decided", 1
    report.state += "x"
    Assessment.objects.filter(pk=1).update(status="decided")
    Assessment.objects.filter(pk=1).update(**{"status": "decided"})
    Award.objects.create(reference="x", state="revoked")
    Assessment(service=None, status="decided")
    setattr(report, "status", "ready")


def fine(assessment, Assessment):
    Assessment.objects.filter(status="draft").update(due_on=None)
    assessment.due_on = None
    return assessment.status == "draft"
"""
    found = state_changes(ast.parse(sample), {"status", "state"})
    assert sorted(int(line.split()[0]) for line in found) == [3, 4, 5, 6, 7, 8, 9, 10], found
