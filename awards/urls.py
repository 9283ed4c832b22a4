from django.urls import path

from .views import awards, decided, decisions, public

award_patterns = (
    [
        path("decisions/<int:pk>/", decisions.decision, name="decision"),
        path("decisions/<int:pk>/recorded/<int:decision_id>/", decided.decision_recorded, name="decision_recorded"),
        path("decisions/<int:pk>/appeal/", decisions.appeal, name="appeal"),
        path("decisions/<int:pk>/appeals/<int:appeal_id>/outcome/", decisions.appeal_outcome, name="appeal_outcome"),
        path("decisions/<int:pk>/conditions/<int:condition_id>/met/", decisions.condition_met, name="condition_met"),
        path("<slug:reference>/", awards.award, name="award"),
        path("<slug:reference>/reports/", awards.report_status, name="report_status"),
        path("<slug:reference>/reports/<int:version>/download/", awards.report_download, name="report_download"),
        path("<slug:reference>/reports/<int:version>/retry/", awards.report_retry_view, name="report_retry"),
        path("<slug:reference>/<slug:action>/", awards.award_action, name="action"),
        path("<slug:reference>/<slug:action>/done/", awards.action_done, name="action_done"),
    ],
    "awards",
)

public_patterns = (
    [
        path("register/", public.register, name="register"),
        path("verify/", public.verify_form, name="verify_form"),
        path("verify/<slug:code>/", public.verify, name="verify"),
    ],
    "public",
)
