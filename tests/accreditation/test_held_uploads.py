"""A file chosen on the evidence form is not lost when something else in the form was wrong: it is checked, held for
the person, and used when the form comes back right. (Before: the page came back with the file input empty, and a
person who did not notice added a written note without the file.)"""

import datetime
import os
import time
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from accreditation.models import Evidence
from accreditation.services.evidence.holding import HOLDING, held_uploads_forget_old
from tests.factories import MembershipFactory
from tests.files import ALLOWED, upload

from .test_evidence_views import form_data

pytestmark = pytest.mark.django_db


def held_files() -> list[str]:
    try:
        return storages["evidence"].listdir(HOLDING)[1]
    except FileNotFoundError:
        return []


def held_token(page: str) -> str:
    marker = 'name="held_file" value="'
    assert marker in page, "the form carries the held file"
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_the_chosen_file_is_kept_after_a_mistake_elsewhere(client, service, team_member):
    client.force_login(team_member)
    url = reverse("evidence:add", args=[service.pk])
    data = form_data(owner=team_member.pk, file=upload("report.pdf", ALLOWED["minutes.pdf"][0]))
    del data["no_personal_data"]
    response = client.post(url, data)
    page = response.content.decode()
    assert "There is a problem" in page and "Confirm that you have removed anything" in page
    assert "You chose <strong>report.pdf</strong> – it is kept; choose another file only to replace it." in page
    assert len(held_files()) == 1
    token = held_token(page)

    response = client.post(url, form_data(owner=team_member.pk, held_file=token))
    evidence = Evidence.objects.get()
    assert response["Location"] == reverse("evidence:detail", args=[evidence.pk])
    assert evidence.original_name == "report.pdf" and evidence.has_file
    assert evidence.file.read() == ALLOWED["minutes.pdf"][0]
    assert held_files() == [], "used, then forgotten"


def test_a_refused_file_is_not_kept_and_the_form_says_why(client, service, team_member):
    client.force_login(team_member)
    data = form_data(owner=team_member.pk, file=upload("report.pdf", b"MZ\x90\x00" + b"\x00" * 300))
    del data["no_personal_data"]
    page = client.post(reverse("evidence:add", args=[service.pk]), data).content.decode()
    assert "a Windows program" in page and "Confirm that you have removed anything" in page
    assert "it is kept" not in page and 'name="held_file"' not in page
    assert held_files() == []


def test_a_new_file_replaces_the_held_one(client, service, team_member):
    client.force_login(team_member)
    url = reverse("evidence:add", args=[service.pk])
    first = client.post(
        url, form_data(owner=team_member.pk, title="", file=upload("report.pdf", ALLOWED["minutes.pdf"][0]))
    ).content.decode()
    second = client.post(
        url, form_data(owner=team_member.pk, title="", held_file=held_token(first), file=upload("minutes.txt"))
    ).content.decode()
    assert "You chose <strong>minutes.txt</strong>" in second
    assert len(held_files()) == 1
    client.post(url, form_data(owner=team_member.pk, held_file=held_token(second)))
    assert Evidence.objects.get().original_name == "minutes.txt"


def test_a_held_file_is_only_for_the_person_who_chose_it(client, service, team_member):
    client.force_login(team_member)
    url = reverse("evidence:add", args=[service.pk])
    page = client.post(
        url, form_data(owner=team_member.pk, title="", file=upload("report.pdf", ALLOWED["minutes.pdf"][0]))
    ).content.decode()
    token = held_token(page)
    colleague = MembershipFactory(service=service, role="member").user
    client.force_login(colleague)
    client.post(url, form_data(owner=colleague.pk, held_file=token))
    assert not Evidence.objects.get().has_file, "another session's token means nothing"


def test_a_new_version_keeps_its_chosen_file_too(client, make_evidence, team_member):
    old = make_evidence(upload=upload("minutes.txt"), title="Minutes")
    client.force_login(team_member)
    url = reverse("evidence:new_version", args=[old.pk])
    page = client.post(
        url, form_data(owner=team_member.pk, title="", file=upload("report.pdf", ALLOWED["minutes.pdf"][0]))
    ).content.decode()
    assert "You chose <strong>report.pdf</strong>" in page
    client.post(url, form_data(owner=team_member.pk, title="Minutes v2", held_file=held_token(page)))
    assert Evidence.objects.get(version=2).original_name == "report.pdf"


def test_the_daily_tidy_up_removes_held_files_nobody_came_back_for(client, service, team_member):
    client.force_login(team_member)
    client.post(
        reverse("evidence:add", args=[service.pk]),
        form_data(owner=team_member.pk, title="", file=upload("report.pdf", ALLOWED["minutes.pdf"][0])),
    )
    assert held_uploads_forget_old() == 0, "a fresh one stays"
    (name,) = held_files()
    path = Path(storages["evidence"].path(f"{HOLDING}/{name}"))
    two_days_ago = time.time() - datetime.timedelta(days=2).total_seconds()
    os.utime(path, (two_days_ago, two_days_ago))
    assert held_uploads_forget_old() == 1
    assert held_files() == []
