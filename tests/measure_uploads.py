"""Before/after figures for issue 12's uploads part: hostile files that pass the checks, CPU per check.

    python -m tests.measure_uploads          (from the project folder; SQLite, no server needed)

Runs the content checks alone (no database, no storage) on the corpus that tests/files.py builds."""

import inspect
import os
import resource
import time
from unittest import mock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accreditation.settings.test")
django.setup()

from django.core.exceptions import ValidationError  # noqa: E402

from accreditation.services import evidence  # noqa: E402
from tests import files  # noqa: E402


def check(name: str, content: bytes) -> tuple[bool, float, str]:
    """(accepted, CPU seconds, the refusal) for one file."""
    upload = files.upload(name, content)
    kwargs = {"upload": upload}
    if "service" in inspect.signature(evidence.evidence_check_file).parameters:
        kwargs["service"] = None
    started = time.process_time()
    try:
        with mock.patch.object(evidence, "service_storage_used", return_value=0, create=True):
            evidence.evidence_check_file(**kwargs)
    except ValidationError as error:
        return False, time.process_time() - started, " ".join(error.messages)
    return True, time.process_time() - started, ""


def main() -> None:
    stored = 0
    print(f"{'file':22} {'result':8} {'CPU s':>7}  message")
    for name, build in files.HOSTILE.items():
        accepted, cpu, message = check(name, build())
        stored += accepted
        print(f"{name:22} {'STORED' if accepted else 'refused':8} {cpu:7.3f}  {message[:90]}")
    print(f"hostile stored: {stored}/{len(files.HOSTILE)}")
    wrongly_refused = 0
    for name, content in files.BENIGN.items():
        accepted, cpu, message = check(name, content)
        wrongly_refused += not accepted
        print(f"{name:22} {'accepted' if accepted else 'REFUSED':8} {cpu:7.3f}  {message[:90]}")
    print(f"benign refused: {wrongly_refused}/{len(files.BENIGN)}")
    for name, content in (("normal-5mb.docx", files.big_docx()), ("normal-5mb.pdf", files.big_pdf())):
        times = sorted(check(name, content)[1] for _ in range(7))
        print(f"{name:22} {len(content) / 1e6:.1f} MB, check median {times[3] * 1000:.1f} ms CPU")
    print(f"peak memory (maxrss) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
