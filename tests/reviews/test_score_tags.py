"""The score badges, radios, drop-down and matrix cells built in Python: escaped, labelled, and shortened."""

from reviews.selectors.report import ScoreCell
from reviews.templatetags.scores import reviewer_cells, score_badge, score_select


def test_reviewer_cells_escape_and_shorten_comments_and_mark_missing_scores():
    long = " ".join(f"word{number}" for number in range(40))
    html = reviewer_cells([ScoreCell("met", "<script>alert(1)</script>"), None, ScoreCell("not_met", long)])
    assert html.count("<td>") == 3
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "word29…" in html and "word30" not in html
    assert score_badge("", "–") in html, "a reviewer who has not scored shows a dash"
    assert "Not met" in html


def test_the_consensus_drop_down_is_labelled_and_keeps_the_choice():
    html = score_select("consensus", 7, "BEL.1", "partly_met")
    assert '<label class="visually-hidden" for="consensus-7">Consensus score for BEL.1</label>' in html
    assert '<option value="partly_met" selected>Partly met</option>' in html
    assert html.count("selected") == 1
