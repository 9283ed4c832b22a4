"""The evidence library: list, add, view, link to standards, new versions, delete, and permission-checked download."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from ..forms import EvidenceForm, EvidenceLinksForm, EvidenceVersionForm
from ..middleware import take_kept_draft
from ..models import Evidence, Response, Service
from ..selectors.assessments import assessment_standards, open_assessment
from ..selectors.evidence import evidence_history, evidence_item, evidence_library, evidence_links_by_assessment
from ..services.evidence import (
    EvidenceTampered,
    download_name,
    evidence_create,
    evidence_delete,
    evidence_frozen_links,
    evidence_new_version,
    evidence_open_verified,
    evidence_set_links,
    service_storage_used,
)
from ..services.evidence.holding import upload_held, upload_hold, upload_release
from .access import refuse_unless_post, visible_or_404
from .actions import act, attempt, errors_onto_form

PAGE_SIZE = 25
# Longer than any id the database holds: such a value is refused before it reaches a query (where it overflows).
MAX_ID_DIGITS = 18


def _service(request, service_id) -> Service:
    return visible_or_404(
        Service.objects.select_related("organisation").filter(pk=service_id).first(),
        request.user,
        "accreditation.view_evidence_library",
    )


def _evidence(request, pk) -> Evidence:
    return visible_or_404(evidence_item(pk=pk), request.user, "accreditation.see_evidence")


@login_required
def library(request, service_id):
    service = _service(request, service_id)
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in Evidence.Kind.values else ""
    include_superseded = request.GET.get("history") == "1"
    items = evidence_library(
        service=service, user=request.user, query=query, kind=kind, include_superseded=include_superseded
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accreditation/evidence/library.html",
        {
            "service": service,
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": Evidence.Kind.choices,
            "include_superseded": include_superseded,
            "assessment": open_assessment(service=service),
            "can_add": request.user.has_perm("accreditation.add_evidence_item", service),
        },
    )


def _link_target(request, service) -> Response | None:
    """The standard to link new evidence to, when the person came from a standard's page."""
    response_id = request.GET.get("for") or request.POST.get("for") or ""
    if not (response_id.isascii() and response_id.isdigit() and len(response_id) <= MAX_ID_DIGITS):
        return None
    response = (
        Response.objects.select_related("standard", "assessment__service")
        .filter(pk=response_id, assessment__service=service)
        .first()
    )
    if response is None or not request.user.has_perm("accreditation.edit_portfolio", response.assessment):
        return None
    return response


# What comes back into the form after a session ran out mid-typing (files never do: they are not kept).
KEPT_EVIDENCE_FIELDS = ("title", "description", "kind", "contributed_by")

# Uploads held for this person between two posts of the evidence form: {token: {name, original, service}}.
HELD_UPLOADS = "held_uploads"
MAX_HELD_UPLOADS = 3


def _held_upload(request, service) -> dict | None:
    """The file this person chose in an earlier post of this form, if it is still held for them."""
    token = request.POST.get("held_file", "")
    held = request.session.get(HELD_UPLOADS, {}).get(token)
    if held is None or held.get("service") != service.pk:
        return None
    return {"token": token, **held}


def _forget_held(request, held: dict | None) -> None:
    if held is None:
        return
    upload_release(name=held["name"])
    uploads = request.session.get(HELD_UPLOADS, {})
    uploads.pop(held["token"], None)
    request.session[HELD_UPLOADS] = uploads


def _hold_chosen_file(request, form, service, held: dict | None) -> dict | None:
    """After a problem elsewhere in the form, keep the file just chosen so the person need not choose it again; a file
    that is refused is not kept, and the form says why on the file field. Returns what is held now."""
    chosen = request.FILES.get("file")
    if chosen is None or form.errors.get("file"):
        return held
    try:
        name = upload_hold(upload=chosen)
    except ValidationError as error:
        errors_onto_form(form, error, field="file")
        return held
    _forget_held(request, held)
    uploads = request.session.get(HELD_UPLOADS, {})
    # Bounded: the oldest held file of this session goes when a fourth is chosen.
    while len(uploads) >= MAX_HELD_UPLOADS:
        upload_release(name=uploads.pop(next(iter(uploads)))["name"])
    token = secrets.token_urlsafe(16)
    uploads[token] = {"name": name, "original": (chosen.name or "file")[-255:], "service": service.pk}
    request.session[HELD_UPLOADS] = uploads
    return {"token": token, **uploads[token]}


def _upload_or_held(upload, held: dict | None):
    """The file to store: one chosen now, else the one held from an earlier post."""
    if upload is not None or held is None:
        return upload
    kept = upload_held(name=held["name"], original_name=held["original"])
    if kept is None:
        raise ValidationError({"file": f"The file you chose earlier ({held['original']}) has gone. Choose it again."})
    return kept


def _file_refused(form) -> bool:
    return bool(form.errors.get("file"))


@login_required
def add(request, service_id):
    service = _service(request, service_id)
    if not request.user.has_perm("accreditation.add_evidence_item", service):
        raise PermissionDenied
    link_to = _link_target(request, service)
    held = None
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES, service=service)
        held = _held_upload(request, service)
        if form.is_valid():
            data = dict(form.cleaned_data)
            chosen = data.pop("file")
            # A refusal that names no field is about the file (its type, size, or the service's space left).
            done, evidence = attempt(
                request,
                lambda: evidence_create(
                    service=service, by=request.user, upload=_upload_or_held(chosen, held), link_to=link_to, **data
                ),
                form=form,
                field="file",
                success=lambda evidence: f"“{evidence.title}” is in your evidence library.",
            )
            if done:
                _forget_held(request, held)
                if link_to is not None:
                    return redirect("portfolio:standard", pk=link_to.assessment_id, standard_code=link_to.standard.code)
                return redirect("evidence:detail", pk=evidence.pk)
        if _file_refused(form):
            _forget_held(request, held)
            held = None
        else:
            held = _hold_chosen_file(request, form, service, held)
    else:
        initial = {"owner": request.user.pk}
        kept = take_kept_draft(
            request,
            message="We kept what you typed before you were signed out, but not the file. Check the details, choose "
            "the file again and save.",
        )
        if kept:
            initial.update({name: kept[name] for name in KEPT_EVIDENCE_FIELDS if kept.get(name)})
        form = EvidenceForm(service=service, initial=initial)
    return render(
        request,
        "accreditation/evidence/form.html",
        {
            "service": service,
            "form": form,
            "link_to": link_to,
            "held": held,
            "assessment": open_assessment(service=service),
            "storage_used": service_storage_used(service=service),
            "title": "Add evidence",
        },
    )


def _standards_by_value(responses, linked: set[int]) -> list[dict]:
    """The standards to tick, a group per value (in the edition's order), each saying whether it is linked now."""
    groups: dict[str, dict] = {}
    for response in responses:
        value = response.standard.value
        group = groups.setdefault(value.code, {"code": value.code, "value": value.name, "items": []})
        group["items"].append({"response": response, "linked": response.pk in linked})
    for group in groups.values():
        group["linked"] = sum(item["linked"] for item in group["items"])
    return list(groups.values())


@login_required
def detail(request, pk):
    evidence = _evidence(request, pk)
    service = evidence.service
    can_manage = request.user.has_perm("accreditation.manage_evidence", evidence)
    assessment = open_assessment(service=service)
    links_form, standard_groups = None, []
    links = evidence_links_by_assessment(evidence=evidence)
    if can_manage and assessment is not None and request.user.has_perm("accreditation.edit_portfolio", assessment):
        responses = assessment_standards(assessment=assessment)
        linked = {link.response_id for link in links if link.response.assessment_id == assessment.pk}
        links_form = EvidenceLinksForm(responses=responses, initial={"responses": sorted(linked)})
        standard_groups = _standards_by_value(responses, linked)
    return render(
        request,
        "accreditation/evidence/detail.html",
        {
            "service": service,
            "evidence": evidence,
            "history": evidence_history(evidence=evidence),
            "links": links,
            "links_form": links_form,
            "standard_groups": standard_groups,
            "assessment": assessment,
            "can_manage": can_manage,
            "download_name": download_name(evidence) if evidence.has_file else "",
        },
    )


@login_required
def set_links(request, pk):
    evidence = _evidence(request, pk)
    if refused := refuse_unless_post(request):
        return refused
    assessment = open_assessment(service=evidence.service)
    if assessment is None or not request.user.has_perm("accreditation.edit_portfolio", assessment):
        raise PermissionDenied
    if not request.user.has_perm("accreditation.manage_evidence", evidence):
        raise PermissionDenied
    form = EvidenceLinksForm(request.POST, responses=assessment_standards(assessment=assessment))
    if form.is_valid():
        chosen = list(form.cleaned_data["responses"].select_related("standard"))
        for response in chosen:
            response.assessment = assessment
        count = len(chosen)
        return act(
            request,
            lambda: evidence_set_links(evidence=evidence, responses=chosen, assessment=assessment, by=request.user),
            success=f"“{evidence.title}” now supports {count} standard{'s' if count != 1 else ''}.",
            then="evidence:detail",
            pk=evidence.pk,
        )
    messages.error(request, "Choose standards from the list.")
    return redirect("evidence:detail", pk=evidence.pk)


@login_required
def new_version(request, pk):
    evidence = _evidence(request, pk)
    if not request.user.has_perm("accreditation.manage_evidence", evidence):
        raise PermissionDenied
    service = evidence.service
    held = None
    if request.method == "POST":
        form = EvidenceVersionForm(request.POST, request.FILES, service=service)
        held = _held_upload(request, service)
        if form.is_valid():
            data = dict(form.cleaned_data)
            chosen = data.pop("file")

            def replace():
                upload = _upload_or_held(chosen, held)
                # Same file, new details: the new version gets a copy of the stored bytes, checked first.
                copied = _verified_copy(evidence) if upload is None and evidence.has_file else upload
                return evidence_new_version(evidence=evidence, by=request.user, upload=copied, **data)

            done, replacement = attempt(
                request,
                replace,
                form=form,
                field="file",
                success=lambda replacement: (
                    f"Version {replacement.version} of “{replacement.title}” replaces version {evidence.version}. "
                    "Standards in your open portfolio now link to the new version."
                ),
            )
            if done:
                _forget_held(request, held)
                return redirect("evidence:detail", pk=replacement.pk)
        if _file_refused(form):
            _forget_held(request, held)
            held = None
        else:
            held = _hold_chosen_file(request, form, service, held)
    else:
        carried = ["title", "description", "kind", "effective_on", "contributed_by", "owner"]
        form = EvidenceVersionForm(service=service, initial=model_to_dict(evidence, fields=carried))
    return render(
        request,
        "accreditation/evidence/form.html",
        {
            "service": service,
            "form": form,
            "evidence": evidence,
            "held": held,
            "assessment": open_assessment(service=service),
            "storage_used": service_storage_used(service=service),
            "title": f"New version of “{evidence.title}”",
        },
    )


def _verified_copy(evidence: Evidence) -> ContentFile:
    try:
        with evidence_open_verified(evidence=evidence) as stored:
            return ContentFile(stored.read(), name=evidence.original_name or "file")
    except (EvidenceTampered, FileNotFoundError):
        raise ValidationError(
            "The stored file of the current version cannot be copied: it is missing or has changed since upload. "
            "Upload the file again."
        ) from None


@login_required
def delete(request, pk):
    evidence = _evidence(request, pk)
    if not request.user.has_perm("accreditation.manage_evidence", evidence):
        raise PermissionDenied
    frozen = evidence_frozen_links(evidence=evidence)
    if request.method == "POST" and not frozen:
        done, _ = attempt(
            request,
            lambda: evidence_delete(evidence=evidence, by=request.user),
            success=f"“{evidence.title}” has been deleted from your library.",
        )
        if not done:
            return redirect("evidence:detail", pk=evidence.pk)
        return redirect("evidence:library", service_id=evidence.service_id)
    return render(
        request,
        "accreditation/evidence/delete.html",
        {
            "service": evidence.service,
            "evidence": evidence,
            "frozen": frozen,
            "links": evidence_links_by_assessment(evidence=evidence),
            "assessment": open_assessment(service=evidence.service),
        },
    )


@login_required
def download(request, pk):
    evidence = visible_or_404(evidence_item(pk=pk), request.user, "accreditation.download_evidence")
    if not evidence.has_file:
        raise Http404("This evidence is a written note with no file.")
    try:
        handle = evidence_open_verified(evidence=evidence)
    except EvidenceTampered:
        return render(request, "accreditation/evidence/tampered.html", {"evidence": evidence}, status=409)
    except FileNotFoundError:
        return render(
            request, "accreditation/evidence/tampered.html", {"evidence": evidence, "missing": True}, status=410
        )
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(evidence), content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
