"""`make audit` is not part of the suite (Lighthouse takes minutes), but its table and its targets are."""

from audit.run import Page, table


def test_the_table_has_one_row_a_page_and_marks_a_missed_target():
    pages = [
        Page("landing", "anonymous", "/", performance=100, accessibility=100, pa11y_errors=0, pa11y_to_review=1),
        Page("consensus", "reviewer", "/r/", performance=91, accessibility=100, pa11y_errors=2, pa11y_to_review=0),
        Page("award", "team", "/awards/…", problems=["answered 404, not 200"]),
    ]
    lines = table(pages).splitlines()
    assert lines[0].split(" | ") == ["page     ", "role     ", "perf", "a11y", "pa11y errors", "to review"]
    assert lines[2].split(" | ") == ["landing  ", "anonymous", "100 ", "100 ", "0           ", "1"]
    assert lines[3].split(" | ") == ["consensus", "reviewer ", "91 ✗", "100 ", "2 ✗         ", "0"]
    assert lines[4].split(" | ") == ["award    ", "team     ", "–   ", "–   ", "–           ", "–"]
    assert [page.misses() for page in pages] == [[], ["performance", "pa11y"], ["failed"]]


def test_the_runner_imports():
    import audit.run  # noqa: F401
