"""`make css`: build static/css/site.min.css, the site's one stylesheet: the Bootstrap rules the pages use, then
static/css/app.css.

    python audit/build_css.py          # write the file
    python audit/build_css.py --check  # exit 1 if the file is not what a build would write now

The source is Bootstrap's full file (assets/vendor/bootstrap-5.3.9/bootstrap.min.css, not served). A rule is kept
when every class its selector needs (outside :not()) is used somewhere: a word in a template, in our Python or in our
JavaScript, or a class a template builds from a prefix and a value (`btn-{{ move.style }}` keeps btn-primary when
"primary" is a word we use). Bootstrap's own JavaScript is not shipped, so its classes are kept only where we use
them (static/js/app.js adds `show` and `collapsing` to the phone menu). Run it again after adding a class.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "assets" / "vendor" / "bootstrap-5.3.9" / "bootstrap.min.css"
APP_CSS = ROOT / "static" / "css" / "app.css"
OUTPUT = ROOT / "static" / "css" / "site.min.css"
# Where the classes the pages use are written: templates, our Python (form widgets, status styles), our JavaScript.
SOURCES = [
    (ROOT / "templates", "*.html"),
    (ROOT / "templates", "*.txt"),
    *((ROOT / package, "*.py") for package in ("accreditation", "awards", "reviews", "standards", "workflow")),
    (ROOT / "static" / "js", "*.js"),
]
# Classes added by something other than our files: crispy-forms' Bootstrap 5 templates render fields (`as_crispy_field`
# on the standard page and the submit page); these are the templates a field uses.
CRISPY_FIELD_TEMPLATES = [
    "field.html",
    "layout/attrs.html",
    "layout/checkboxselectmultiple_inline.html",
    "layout/field_errors.html",
    "layout/field_errors_block.html",
    "layout/field_file.html",
    "layout/help_text.html",
    "layout/help_text_and_errors.html",
    "layout/radio_checkbox_select.html",
    "layout/radioselect_inline.html",
]

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# A class a template builds from a prefix and a value: `btn-{{ move.style }}`, `alert-{% if … %}`.
DYNAMIC_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9_-]*-)\{[{%]")
CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
NOT = re.compile(r":not\([^()]*\)")
ATTRIBUTE = re.compile(r"\[([a-z-]+)")


def source_texts() -> list[str]:
    texts = []
    for folder, pattern in SOURCES:
        texts += [path.read_text(encoding="utf-8") for path in sorted(folder.rglob(pattern))]
    import crispy_bootstrap5

    crispy = Path(crispy_bootstrap5.__file__).parent / "templates" / "bootstrap5"
    texts += [(crispy / name).read_text(encoding="utf-8") for name in CRISPY_FIELD_TEMPLATES]
    return texts


def used_words(texts: list[str]) -> set[str]:
    words = set()
    prefixes = set()
    for text in texts:
        words.update(WORD.findall(text))
        prefixes.update(DYNAMIC_PREFIX.findall(text))
    return words | {prefix + word for prefix in prefixes for word in words}


def selector_is_used(selector: str, words: set[str]) -> bool:
    needed = NOT.sub("", selector)
    if any(name.startswith("data-bs-") and name not in words for name in ATTRIBUTE.findall(needed)):
        return False
    return all(name in words for name in CLASS.findall(needed))


def trim(rules, words: set[str]) -> str:
    """The CSS text of the rules whose selectors are used (each selector list cut down to the used ones)."""
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [part.strip() for part in tinycss2.serialize(rule.prelude).split(",")]
            kept = [selector for selector in selectors if selector_is_used(selector, words)]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue  # written once, first, by build()
        elif rule.type == "at-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            if rule.lower_at_keyword in ("media", "supports", "container", "layer") and rule.content is not None:
                inner = trim(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), words)
                if inner:
                    out.append(f"@{rule.at_keyword} {prelude}{{{inner}}}")
            elif rule.lower_at_keyword == "keyframes":
                out.append(("keyframes", prelude, tinycss2.serialize(rule.content)))
            else:
                out.append(tinycss2.serialize([rule]))
    text = "".join(part for part in out if isinstance(part, str))
    # An animation is kept only when a kept rule names it.
    for part in out:
        if isinstance(part, tuple) and re.search(rf"\b{re.escape(part[1])}\b", text):
            text += f"@keyframes {part[1]}{{{part[2].strip()}}}"
    return text


def minify(css: str) -> str:
    """Our own stylesheet without its comments and spare whitespace (its rules untouched)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    text = tinycss2.serialize(rules)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([{};,>])\s*", r"\1", text).replace(";}", "}").strip()


def build() -> str:
    words = used_words(source_texts())
    bootstrap = tinycss2.parse_stylesheet(BOOTSTRAP.read_text(encoding="utf-8"), skip_comments=True)
    bootstrap = [rule for rule in bootstrap if rule.type != "whitespace"]
    header = (
        '@charset "UTF-8";\n'
        "/*! Built by `make css` (audit/build_css.py): the rules of Bootstrap v5.3.9 (MIT, "
        "https://github.com/twbs/bootstrap/blob/main/LICENSE) that our pages use, then static/css/app.css. "
        "Do not edit: edit app.css and run `make css`. */\n"
    )
    return header + trim(bootstrap, words) + "\n" + minify(APP_CSS.read_text(encoding="utf-8")) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if site.min.css is out of date")
    args = parser.parse_args()
    css = build()
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != css:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run `make css`.", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(css, encoding="utf-8")
    full = BOOTSTRAP.stat().st_size + APP_CSS.stat().st_size
    print(f"Wrote {OUTPUT.relative_to(ROOT)}: {len(css.encode()):,} bytes (Bootstrap and app.css in full: {full:,}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
