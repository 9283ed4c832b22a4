"""The award report PDF: its text, its accessibility tagging, and that rendering fetches nothing from outside."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from awards.pdf import StaticOnlyFetcher, html_to_pdf, render_award_report
from awards.services import PanelSeat, decision_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(report_final, administrator):
    decision_record(
        assessment=report_final,
        by=administrator,
        outcome="awarded",
        decided_on=timezone.localdate(),
        rationale="Meets the standards.",
        panel=[PanelSeat("Chris Chair", "chair"), PanelSeat("Lou Lived", "lived_experience")],
    )
    return report_final.award


def test_the_report_contains_the_service_outcome_reference_and_every_standard(award):
    fetcher = StaticOnlyFetcher()
    rendered = render_award_report(award, fetcher=fetcher)
    reader = PdfReader(io.BytesIO(rendered.content))
    assert len(reader.pages) == rendered.pages >= 5
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert award.service.name in text
    assert "Awarded" in text
    assert award.reference in text
    assert award.verification_code in text
    for code in award.assessment.edition.standards.values_list("code", flat=True):
        assert code in text, code
    assert "Certificate of award" in text and "Contents" in text
    assert f"of {rendered.pages}" in text, "page numbers in the footer"


def test_the_report_is_a_tagged_pdf_ua_document_with_embedded_fonts(award):
    rendered = render_award_report(award)
    reader = PdfReader(io.BytesIO(rendered.content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in metadata or "<pdfuaid:part>1</pdfuaid:part>" in metadata
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor, "every font is embedded"
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Report-Sans" in name for name in fonts)


def test_rendering_fetches_only_our_static_files(award):
    fetcher = StaticOnlyFetcher()
    render_award_report(award, fetcher=fetcher)
    assert fetcher.requested, "the stylesheet and fonts come through the fetcher"
    assert all(url.startswith("file://") and "/static/" in url for url in fetcher.requested)
    assert fetcher.refused == []


def test_anything_else_is_refused_not_fetched():
    fetcher = StaticOnlyFetcher()
    html = (
        '<html lang="en"><head><title>t</title><link rel="stylesheet" href="https://cdn.example.org/x.css"></head>'
        '<body><img alt="" src="http://169.254.169.254/latest"><img alt="" src="file:///etc/passwd">'
        '<img alt="" src="../../../etc/hostname"><p>Hello</p></body></html>'
    )
    html_to_pdf(html, fetcher=fetcher)
    assert set(fetcher.refused) == set(fetcher.requested)
    assert len(fetcher.refused) == 4


def test_the_collector_runs_less_often_only_while_rendering(monkeypatch):
    import gc

    from awards import pdf

    seen = []

    class Recording:
        def __init__(self, *args, **kwargs):
            seen.append(gc.get_threshold()[0])
            raise RuntimeError("stop here")

    before = gc.get_threshold()
    monkeypatch.setattr(pdf, "HTML", Recording)
    with pytest.raises(RuntimeError):
        html_to_pdf("<p>x</p>")
    assert seen == [pdf.RENDER_GC_THRESHOLD]
    assert gc.get_threshold() == before, "restored even when rendering fails"


def test_overlapping_renders_put_the_collector_back_only_when_the_last_ends():
    import gc

    from awards import pdf

    before = gc.get_threshold()
    first, second = pdf._fewer_collections(), pdf._fewer_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == pdf.RENDER_GC_THRESHOLD, "the second render is still running"
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
