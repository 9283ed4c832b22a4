"""/healthz/ and /readyz/: plain JSON for load balancers and monitoring, cheap, and nothing in it for an outsider."""

import datetime
import json
import time

import pytest
import time_machine
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from workflow.scheduler import heartbeat


def test_healthz_answers_without_the_database(client):
    response = client.get(reverse("healthz"))  # no `db` fixture: any query would fail the test
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_each_check_when_all_is_well(client, db):
    heartbeat(worker_id="worker-a")
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "storage", "cache", "worker", "queue"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["worker"]["heartbeat_age_seconds"] < 5
    assert body["checks"]["queue"]["depth"] == 0
    assert storages["evidence"].listdir("evidence") == ([], []), "the storage probe leaves nothing behind"


def test_readyz_counts_the_tasks_waiting(client, db, settings, django_capture_on_commit_callbacks):
    from workflow.engine import enqueue_on_commit

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    heartbeat(worker_id="worker-a")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            enqueue_on_commit("workflow.tasks.tidy_up")
    assert client.get(reverse("readyz")).json()["checks"]["queue"]["depth"] == 3


def test_readyz_fails_when_no_worker_has_ever_beaten(client, db):
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"]["heartbeat_age_seconds"] is None


def test_readyz_fails_when_the_worker_has_gone_quiet(client, db, settings):
    settings.WORKER_STALE_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        heartbeat(worker_id="worker-a")
        clock.shift(datetime.timedelta(seconds=59))
        assert client.get(reverse("readyz")).status_code == 200
        clock.shift(datetime.timedelta(seconds=2))
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"]["heartbeat_age_seconds"] == 61


def test_readyz_fails_when_storage_cannot_be_written_and_says_no_more_than_which(client, db, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    heartbeat(worker_id="worker-a")
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    text = response.content.decode()
    assert str(tmp_path) not in text and "Error" not in text and "media" not in text


def test_readyz_fails_when_the_cache_does_not_keep_what_it_is_given(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    heartbeat(worker_id="worker-a")
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_readyz_fails_when_the_database_is_away(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper
    from django.db.utils import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" (10.1.2.3), port 5432 failed: password')

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", refuse)
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert set(response.json()["failed"]) == {"database", "worker", "queue"}
    assert "db.internal" not in response.content.decode() and "password" not in response.content.decode()


def test_readyz_is_cheap(client, db, django_assert_max_num_queries):
    """Probed every few seconds by every load balancer: a handful of queries and a few milliseconds."""
    heartbeat(worker_id="worker-a")
    client.get(reverse("readyz"))
    with django_assert_max_num_queries(4):
        client.get(reverse("readyz"))
    started = time.perf_counter()
    for _ in range(20):
        client.get(reverse("readyz"))
    per_request_ms = (time.perf_counter() - started) / 20 * 1000
    print(f"/readyz/: {per_request_ms:.1f} ms per request")
    assert per_request_ms < 100


@pytest.mark.parametrize("url", ["healthz", "readyz"])
def test_the_health_urls_refuse_writes(client, db, url):
    assert client.post(reverse(url)).status_code == 405


def test_readyz_is_json_a_script_can_read(client, db):
    heartbeat(worker_id="worker-a")
    assert json.loads(client.get(reverse("readyz")).content)["status"] == "ok"


def test_readyz_gives_its_last_answer_again_for_a_few_seconds(client, db, settings, django_assert_num_queries):
    """The URL is public: a flood of probes within READYZ_REUSE_SECONDS writes no file, no cache row, no query."""
    settings.READYZ_REUSE_SECONDS = 0.5
    heartbeat(worker_id="worker-a")
    first = client.get(reverse("readyz"))
    assert first.status_code == 200
    evidence = storages["evidence"]
    saves = []
    original_save = type(evidence).save

    def counting_save(self, name, *args, **kwargs):
        saves.append(name)
        return original_save(self, name, *args, **kwargs)

    type(evidence).save = counting_save
    try:
        with django_assert_num_queries(0):
            for _ in range(50):
                again = client.get(reverse("readyz"))
                assert again.status_code == 200 and again.json() == first.json()
        assert saves == []
        time.sleep(0.6)
        assert client.get(reverse("readyz")).status_code == 200
        assert len(saves) == 1 and saves[0].startswith("evidence/readyz-")
    finally:
        type(evidence).save = original_save
        settings.READYZ_REUSE_SECONDS = 0


def test_a_probe_file_left_by_a_killed_process_is_found_by_the_storage_check(client, db, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    from awards.tasks import storage_check_run

    heartbeat(worker_id="worker-a")
    monkeypatch.setattr(FileSystemStorage, "delete", lambda self, name: None)  # killed before it removed the file
    client.get(reverse("readyz"))
    monkeypatch.undo()
    report = storage_check_run(fix=False, min_age=datetime.timedelta(0))
    assert len(report.orphans) == 1 and report.orphans[0].startswith("evidence/readyz-")
