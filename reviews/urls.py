from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("programme/", views.programme, name="programme"),
    path("assessments/<int:pk>/", views.review, name="review"),
    path("assessments/<int:pk>/assign/", views.assign, name="assign"),
    path("assessments/<int:pk>/remove/<int:assignment_id>/", views.remove, name="remove"),
    path("assessments/<int:pk>/return/", views.return_portfolio, name="return"),
    path("assessments/<int:pk>/resume/", views.resume, name="resume"),
    path("assessments/<int:pk>/rounds/", views.rounds, name="rounds"),
    path("assessments/<int:pk>/visit/", views.visit, name="visit"),
    path("assessments/<int:pk>/consensus/", views.consensus, name="consensus"),
    path("assessments/<int:pk>/report/", views.report, name="report"),
    path("assessments/<int:pk>/report/release/", views.release, name="release"),
    path("assessments/<int:pk>/report/finalise/", views.finalise, name="finalise"),
    path("assessments/<int:pk>/report/for-the-team/", views.team_report, name="team_report"),
    path("assessments/<int:pk>/score-history/", views.history, name="history"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/score/", views.score, name="score"),
    path("assignments/<int:pk>/score/<code:value_code>/", views.score_value, name="score_value"),
    path("assignments/<int:pk>/submit/", views.submit_review, name="submit"),
]
