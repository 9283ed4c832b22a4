"""Time a few review and portfolio pages in-process, for comparing two checkouts of the code on the same data.

    DATABASE_URL=postgres://… python bench/pages_ab.py --reseed            # seed the database named below, then time
    DATABASE_URL=postgres://… python bench/pages_ab.py scoring consensus   # time again (run it in each checkout,
                                                                           # alternating, each with its own database)

The database is BENCH_DATABASE_NAME (default `enabling_ab`), seeded by bench/seed.py like `make bench`. Prints the
median of 200 requests per page, after 10 warm-up requests. `make bench` remains the benchmark of record; this is the
quick A/B used while looking for a regression (README, Benchmark)."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("BENCH_DATABASE_NAME", "enabling_ab")

PAGES = ("scoring", "overview", "consensus", "programme", "evidence")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", default=list(PAGES), help=f"any of {', '.join(PAGES)}")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if args.reseed:
        from bench.run import prepare_database

        prepare_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accreditation.models import Assessment, User
    from reviews.models import Assignment

    if args.reseed:
        call_command("migrate", verbosity=0)
        from bench.seed import seed

        seed()
    draft = Assessment.objects.filter(status="draft").select_related("service").first()
    lead = User.objects.get(memberships__service=draft.service, memberships__role="lead")
    in_review = Assignment.objects.filter(assessment__status="in_review", status="accepted")
    scoring = next(a for a in in_review if a.reviewer.has_perm("reviews.score", a))
    consensus = Assignment.objects.filter(assessment__status="report_draft", is_lead=True).first()
    admin = User.objects.get(email="admin@bench.example.org")
    urls = {
        "scoring": (scoring.reviewer, f"/reviews/assignments/{scoring.pk}/score/SAF/"),
        "overview": (scoring.reviewer, f"/reviews/assignments/{scoring.pk}/score/"),
        "consensus": (consensus.reviewer, f"/reviews/assessments/{consensus.assessment_id}/consensus/"),
        "programme": (admin, "/reviews/programme/"),
        "evidence": (lead, f"/evidence/services/{draft.service_id}/"),
    }
    for name in args.pages:
        user, url = urls[name]
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, url
        for _ in range(10):
            client.get(url)
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        print(f"{name:10s} median {statistics.median(times) * 1000:6.2f} ms  {url}")


if __name__ == "__main__":
    main()
