"""The award report as a PDF: gather the data, draw the chart and QR code, and let WeasyPrint lay it out.

Nothing is fetched from the network while rendering: `StaticOnlyFetcher` serves our own static files (the print
stylesheet, the embedded fonts) and refuses every other URL.
"""

from __future__ import annotations

import gc
import io
import logging
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from standards.models import Rating

from .models import Award
from .selectors import award_report_data

logger = logging.getLogger(__name__)

STATIC_DIR = Path(settings.BASE_DIR) / "static"
BASE_URL = STATIC_DIR.as_uri() + "/"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "optimize_images": True}


class StaticOnlyFetcher(URLFetcher):
    """Serves files from our own static folder; refuses everything else, so rendering never touches the network.

    Every URL asked for is kept in `requested`, so tests can prove what was (and was not) fetched."""

    def __init__(self, root: Path = STATIC_DIR):
        super().__init__(allowed_protocols=["file"])
        self.root = root.resolve()
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        path = None
        if url.startswith("file:"):
            candidate = Path(URLFetcherResponse(url).path or "").resolve()
            if candidate.is_relative_to(self.root) and candidate.is_file():
                path = candidate
        if path is None:
            self.refused.append(url)
            logger.warning("Award report rendering refused to fetch %s", url)
            raise ValueError(f"Only our own static files may be used in a report, not {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": content_type})


SCORE_POINTS = {rating.value: rating.points for rating in Rating}


@dataclass(frozen=True)
class ValueBar:
    code: str
    name: str
    self_percent: float
    consensus_percent: float


def _chart(values: list[dict]) -> dict:
    """Geometry of the summary chart: per value, self-rating beside consensus, as % of the way to all Met."""
    bars = []
    for value in values:
        responses = value["responses"]

        def percent(scores):
            scored = [SCORE_POINTS[score] for score in scores if score in SCORE_POINTS]
            return round(100 * sum(scored) / len(scored)) if scored else 0

        bars.append(
            ValueBar(
                code=value["value"].code,
                name=value["value"].name,
                self_percent=percent(r.rating for r in responses),
                consensus_percent=percent(r.consensus.score for r in responses if hasattr(r, "consensus")),
            )
        )
    row, left, width = 34, 150, 300
    return {
        "bars": [
            {
                "bar": bar,
                "y": 30 + index * row,
                "self_width": round(width * bar.self_percent / 100, 1),
                "consensus_width": round(width * bar.consensus_percent / 100, 1),
                "self_label_x": round(left + width * bar.self_percent / 100 + 3, 1),
                "consensus_label_x": round(left + width * bar.consensus_percent / 100 + 3, 1),
            }
            for index, bar in enumerate(bars)
        ],
        "left": left,
        "width": width,
        "height": 30 + len(bars) * row + 30,
        "ticks": [{"x": left + width * tick / 100, "label": f"{tick}%"} for tick in (0, 25, 50, 75, 100)],
    }


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def award_report_context(award: Award, *, version: int) -> dict:
    """Everything the print template needs: the data from `award_report_data`, and the chart and QR code drawn here."""
    data = award_report_data(award=award)
    award = data.award
    verify_url = settings.SITE_URL + reverse("public:verify", args=[award.verification_code])
    return {
        "award": award,
        "service": award.service,
        "assessment": award.assessment,
        "edition": award.assessment.edition,
        "decision": award.decision,
        "panel": data.panel,
        "conditions": data.conditions,
        "review_report": data.review_report,
        "values": data.values,
        "chart": _chart(data.values),
        "verify_url": verify_url,
        "qr_svg": _qr_svg(verify_url),
        "version": version,
        "generated_at": timezone.now(),
        "status_in_words": award.status_in_words,
    }


def award_report_html(award: Award, *, version: int = 1) -> str:
    return render_to_string("print/award_report.html", award_report_context(award, version=version))


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    pages: int


# While WeasyPrint works, Python's cycle collector runs after every 50,000 new objects instead of every 700.
# WeasyPrint makes millions of short-lived objects that point at each other (boxes and their parents), so at the
# default the collector runs thousands of times for one report; the render's garbage goes at the collector's next
# pass, once the PDF is stored. What this saves (time and memory) is in README's Benchmark section.
RENDER_GC_THRESHOLD = 50_000


_renders_lock = threading.Lock()
_renders = {"running": 0, "threshold": gc.get_threshold()}


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The threshold is the process's: the first render to start raises it, the last to finish puts it back."""
    with _renders_lock:
        if _renders["running"] == 0:
            _renders["threshold"] = gc.get_threshold()
            gc.set_threshold(RENDER_GC_THRESHOLD, *_renders["threshold"][1:])
        _renders["running"] += 1
    try:
        yield
    finally:
        with _renders_lock:
            _renders["running"] -= 1
            if _renders["running"] == 0:
                gc.set_threshold(*_renders["threshold"])


def html_to_pdf(html: str, *, fetcher: URLFetcher | None = None) -> RenderedPDF:
    """Lay out finished HTML as a tagged PDF/UA-1 document with embedded fonts."""
    with _fewer_collections():
        html_document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher())
        document = html_document.render(**PDF_OPTIONS)
        return RenderedPDF(content=document.write_pdf(**PDF_OPTIONS), pages=len(document.pages))


def render_award_report(award: Award, *, version: int = 1, fetcher: URLFetcher | None = None) -> RenderedPDF:
    return html_to_pdf(award_report_html(award, version=version), fetcher=fetcher)
