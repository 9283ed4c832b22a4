"""The panel's decision, checked before it is recorded and confirmed after (accreditation/views/confirm.py): what the
check page says the decision will do, and the confirmation page with its reference and what happens next."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accreditation.models import Assessment
from accreditation.views.access import visible_or_404
from accreditation.views.confirm import Answer, Check, Done, carried, check_page, done_page

from ..models import Award, Outcome, PanelMember
from ..recommendation import recommendation_for


def award_of(decision) -> Award | None:
    """The award a decision issued (inside the rehearsal, before it is rolled back), for its dates."""
    return Award.objects.filter(decision=decision).first()


def _day(date) -> str:
    return f"{date:%-d %B %Y}"


def decision_check(request, assessment: Assessment, record: dict, award: Award | None):
    """What the panel's decision will do, for the administrator to check before it is recorded."""
    outcome = record["outcome"]
    decided_on = record["decided_on"]
    appeal_until = decided_on + datetime.timedelta(days=settings.APPEAL_WINDOW_DAYS)
    recommended = recommendation_for(assessment=assessment)
    answers = [
        Answer("Service", f"{assessment.service.name}, {assessment.service.organisation.name}"),
        Answer("Portfolio", assessment.reference),
        Answer("The award rule recommends", Outcome(recommended.outcome).label),
        Answer(
            "The panel's decision", Outcome(outcome).label, change_field="id_outcome_0", change_words="the decision"
        ),
        Answer("Date of the panel", _day(decided_on), change_field="id_decided_on_0", change_words="the date"),
        Answer(
            "Rationale", record["rationale"], change_field="id_rationale", change_words="the rationale", multiline=True
        ),
    ]
    if record["override_reason"].strip():
        answers.append(
            Answer(
                "Why the panel departed from the recommendation",
                record["override_reason"],
                change_field="id_override_reason",
                change_words="why the panel departed from the recommendation",
                multiline=True,
            )
        )
    roles = dict(PanelMember.Role.choices)
    answers.append(
        Answer(
            "The panel",
            "\n".join(f"{seat.name} ({roles[seat.role].lower()})" for seat in record["panel"]),
            change_field="id_panel-0-name",
            change_words="the panel",
            multiline=True,
        )
    )
    if record["conditions"]:
        answers.append(
            Answer(
                "Conditions",
                "\n".join(f"{condition.text} – due {_day(condition.due_on)}" for condition in record["conditions"]),
                change_field="id_conditions-0-text",
                change_words="the conditions",
                multiline=True,
            )
        )
    if outcome == Outcome.AWARDED and award is not None:
        happens = [
            f"The panel's decision, Awarded, is recorded, and an award is issued at once with a new reference: valid "
            f"from {_day(award.valid_from)} until {_day(award.valid_until)}, interim review due by "
            f"{_day(award.interim_due_on)}. Its PDF report is made.",
            "The service's team sees the decision and the award; the public register and the certificate check "
            "show it.",
        ]
    elif outcome == Outcome.DEFERRED:
        happens = [
            "The panel's decision, Deferred, is recorded with its conditions. The service's team sees them with their "
            "due dates.",
            "When the lead reviewer has checked that every condition is met, you record the panel's decision on the "
            "conditions.",
        ]
    else:
        happens = [
            f"The panel's decision, {Outcome(outcome).label}, is recorded. The service's team sees it with the "
            "panel's rationale."
        ]
    happens.append(f"The team can appeal until {_day(appeal_until)}.")
    url = reverse("awards:decision", kwargs={"pk": assessment.pk})
    return check_page(
        request,
        Check(
            title="Check the panel's decision before you record it",
            caption=f"Decision on {assessment.service.name}",
            answers=answers,
            happens=happens,
            warning="You cannot change a decision once it is recorded; an appeal is the way to reconsider it.",
            button="Confirm and record the decision",
            action=url,
            back_url=url,
            carry=carried(request),
        ),
    )


@login_required
def decision_recorded(request, pk, decision_id):
    """The confirmation page after the panel's decision is recorded, for administrators (anyone else who may see the
    decision goes to it; nobody else learns it exists)."""
    assessment = visible_or_404(
        Assessment.objects.select_related("service__organisation", "edition").filter(pk=pk).first(),
        request.user,
        "awards.view_award",
    )
    item = assessment.decisions.filter(pk=decision_id).first()
    if item is None:
        raise Http404("No such decision.")
    if not request.user.has_perm("awards.decide", assessment):
        return redirect(reverse("awards:decision", kwargs={"pk": assessment.pk}) + f"#decision-{item.pk}")
    award = Award.objects.filter(decision=item).first()
    decision_url = reverse("awards:decision", kwargs={"pk": assessment.pk})
    links = [("Go to the decision", f"{decision_url}#decision-{item.pk}")]
    details = [
        Answer("Service", f"{assessment.service.name}, {assessment.service.organisation.name}"),
        Answer("Decision", f"{item.get_outcome_display()}, panel of {_day(item.decided_on)}"),
        Answer("Decision reference", item.reference),
        Answer("Appeals until", _day(item.appeal_deadline())),
    ]
    if award is not None:
        title, reference_words, reference = "Award issued", "Award reference", award.reference
        details.append(Answer("Valid until", _day(award.valid_until)))
        happens_next = [
            f"Award {award.reference} is in force until {_day(award.valid_until)}. The service's team sees it on its "
            "home page; the public register and the certificate check show it.",
            "The award report (PDF) is being made; it appears on the award page within a few minutes.",
            f"The interim review is due by {_day(award.interim_due_on)}. The team can appeal against the decision "
            f"until {_day(item.appeal_deadline())}.",
        ]
        links.insert(
            0, (f"Go to award {award.reference}", reverse("awards:award", kwargs={"reference": award.reference}))
        )
    else:
        title, reference_words, reference = "Decision recorded", "Decision reference", item.reference
        happens_next = [
            f"The service's team sees the panel's decision, {item.get_outcome_display()}, and its rationale on the "
            "decision page.",
            f"The team can appeal until {_day(item.appeal_deadline())}.",
        ]
        if item.outcome == Outcome.DEFERRED:
            happens_next.insert(
                1,
                "The lead reviewer checks each condition when the team shows it is met; then you record the panel's "
                "decision on the conditions from the decision page.",
            )
    links.append(("Go to the programme", reverse("reviews:programme")))
    return done_page(
        request,
        Done(
            title=title,
            reference_words=reference_words,
            reference=reference,
            caption=f"Decision on {assessment.service.name}",
            details=details,
            happens_next=happens_next,
            links=links,
        ),
    )
