from django.urls import path

from .views import assignment, hub, lead, programme, rounds, scoring, team_report

app_name = "reviews"

urlpatterns = [
    path("programme/", programme.programme, name="programme"),
    path("assessments/<int:pk>/", hub.review, name="review"),
    path("assessments/<int:pk>/assign/", hub.assign, name="assign"),
    path("assessments/<int:pk>/remove/<int:assignment_id>/", hub.remove, name="remove"),
    path("assessments/<int:pk>/return/", lead.return_portfolio, name="return"),
    path("assessments/<int:pk>/resume/", lead.resume, name="resume"),
    path("assessments/<int:pk>/rounds/", rounds.rounds, name="rounds"),
    path("assessments/<int:pk>/visit/", lead.visit, name="visit"),
    path("assessments/<int:pk>/consensus/", lead.consensus, name="consensus"),
    path("assessments/<int:pk>/report/", lead.report, name="report"),
    path("assessments/<int:pk>/report/release/", lead.release, name="release"),
    path("assessments/<int:pk>/report/finalise/", lead.finalise, name="finalise"),
    path("assessments/<int:pk>/report/released/", lead.released, name="released"),
    path("assessments/<int:pk>/report/finalised/", lead.finalised, name="finalised"),
    path("assessments/<int:pk>/report/for-the-team/", team_report.team_report, name="team_report"),
    path("assessments/<int:pk>/score-history/", rounds.history, name="history"),
    path("assignments/<int:pk>/", assignment.assignment, name="assignment"),
    path("assignments/<int:pk>/score/", scoring.score, name="score"),
    path("assignments/<int:pk>/score/<code:value_code>/", scoring.score_value, name="score_value"),
    path("assignments/<int:pk>/submit/", scoring.submit_review, name="submit"),
]
