"""Evidence and award reports on an S3-compatible object store (moto's in-process S3), chosen by EVIDENCE_S3_BUCKET.

An object store has no `path()`: these tests prove the upload, the verified download and the report download go
through the storage API only, and that nothing lands on the local disk."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.storage.handler import StorageHandler
from django.urls import reverse
from moto import mock_aws

from accreditation.models import Evidence
from awards.models import AwardReport
from tests.dates import date_fields
from tests.files import ALLOWED, upload

pytestmark = pytest.mark.django_db

BUCKET = "ee-evidence-test"
S3_ENV = {
    "EVIDENCE_S3_BUCKET": BUCKET,
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}


def evidence_storage_setting(**env) -> dict:
    """STORAGES["evidence"] as production settings build it from the environment, read in a fresh interpreter."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.STORAGES['evidence']))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "accreditation.settings.prod",
        "SECRET_KEY": "s3-test-not-secret",
        "ALLOWED_HOSTS": "testserver",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def s3_setting():
    return evidence_storage_setting(**S3_ENV)


@pytest.fixture
def s3_evidence(s3_setting, monkeypatch):
    """Evidence files and reports go to a private bucket in moto's S3, exactly as production would configure it."""
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name=S3_ENV["AWS_DEFAULT_REGION"])
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": S3_ENV["AWS_DEFAULT_REGION"]}
        )
        storage = StorageHandler({"evidence": s3_setting})["evidence"]
        # File fields take their storage once, when the models load: point them at the bucket for this test.
        for model in (Evidence, AwardReport):
            monkeypatch.setattr(model._meta.get_field("file"), "storage", storage)
        yield client


def bucket_keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def files_on_disk() -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_production_settings_choose_a_private_s3_store_only_when_a_bucket_is_named(s3_setting):
    assert s3_setting["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3_setting["OPTIONS"] | {"endpoint_url": None} == {
        "bucket_name": BUCKET,
        "endpoint_url": None,
        "region_name": "eu-west-2",
        "location": "",
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    with_endpoint = evidence_storage_setting(**S3_ENV, EVIDENCE_S3_ENDPOINT_URL="http://127.0.0.1:9000")
    assert with_endpoint["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert evidence_storage_setting(EVIDENCE_S3_BUCKET="")["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_evidence_uploaded_through_the_page_downloads_byte_for_byte_from_the_bucket(s3_evidence, client, team_member):
    content = ALLOWED["minutes.pdf"][0]
    client.force_login(team_member)
    response = client.post(
        reverse("evidence:add", args=[team_member.memberships.get().service_id]),
        {
            "title": "Community meeting minutes",
            "kind": "meeting",
            **date_fields("effective_on", "2026-05-12"),
            "contributed_by": "service_user",
            "owner": team_member.pk,
            "no_personal_data": "on",
            "file": upload("minutes.pdf"),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert bucket_keys(s3_evidence) == [evidence.file.name]
    assert files_on_disk() == []
    with pytest.raises(NotImplementedError):
        evidence.file.storage.path(evidence.file.name)

    download = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == evidence.sha256 == hashlib.sha256(content).hexdigest()


def test_a_changed_or_missing_object_is_refused_not_served(s3_evidence, client, make_evidence, team_member):
    evidence = make_evidence(upload=upload("minutes.txt"))
    client.force_login(team_member)
    s3_evidence.put_object(Bucket=BUCKET, Key=evidence.file.name, Body=b"changed behind our back")
    changed = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert changed.status_code == 409 and b"changed behind our back" not in changed.content
    s3_evidence.delete_object(Bucket=BUCKET, Key=evidence.file.name)
    assert client.get(reverse("evidence:download", args=[evidence.pk])).status_code == 410


def test_the_award_report_is_rendered_into_the_bucket_and_downloads(s3_evidence, client, awarded, team_member):
    report = AwardReport.objects.get(award=awarded)
    assert report.status == AwardReport.Status.READY
    assert bucket_keys(s3_evidence) == sorted(
        [report.file.name, *Evidence.objects.exclude(file="").values_list("file", flat=True)]
    )
    assert files_on_disk() == []
    client.force_login(team_member)
    download = client.get(reverse("awards:report_download", args=[awarded.reference, report.version]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF") and len(body) == report.file.size
