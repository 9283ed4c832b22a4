"""The score badges, radios, drop-down and reviewers' scores built in Python: escaped, labelled, and shortened."""

from types import SimpleNamespace

from reviews.selectors.report import ScoreCell
from reviews.templatetags.scores import reviewer_cells, reviewer_scores, score_badge, score_select


def reviewers(*names):
    return [
        SimpleNamespace(reviewer=SimpleNamespace(full_name=name), is_lead=number == 0)
        for number, name in enumerate(names)
    ]


def test_reviewer_cells_escape_and_shorten_comments_and_mark_missing_scores():
    long = " ".join(f"word{number}" for number in range(40))
    html = reviewer_cells(
        [ScoreCell("met", "<script>alert(1)</script>"), None, ScoreCell("not_met", long)],
        reviewers("Lee <Lead>", "Sam", "Kit"),
    )
    assert html.count("<td ") == 3
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "word29…" in html and "word30" not in html
    assert score_badge("", "–") in html, "a reviewer who has not scored shows a dash"
    assert "Not met" in html


def test_reviewer_cells_name_their_reviewer_for_the_phones_stacked_rows():
    html = reviewer_cells([ScoreCell("met", ""), None], reviewers("Lee <Lead>", "Sam"))
    assert '<td data-label="Lee &lt;Lead&gt; (lead)">' in html
    assert '<td data-label="Sam">' in html


def test_reviewer_scores_name_each_reviewer_and_keep_the_whole_comment_escaped():
    long = " ".join(f"word{number}" for number in range(40))
    html = reviewer_scores([ScoreCell("met", "<b>Yes</b>"), ScoreCell("not_met", long), None], reviewers("A", "B", "C"))
    assert html.count("<dt>") == 3
    assert "<dt>A (lead)</dt>" in html and "<dt>C</dt>" in html
    assert "&lt;b&gt;Yes&lt;/b&gt;" in html
    assert "word39" in html, "the consensus page shows each comment whole"
    assert score_badge("", "Not scored") in html


def test_the_consensus_drop_down_is_labelled_and_keeps_the_choice():
    html = score_select("consensus", 7, "BEL.1", "partly_met")
    assert (
        '<label class="form-label small fw-semibold mb-1" for="consensus-7">Consensus score'
        '<span class="visually-hidden"> for BEL.1</span></label>'
    ) in html
    assert '<option value="partly_met" selected>Partly met</option>' in html
    assert html.count("selected") == 1
