from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from awards.urls import award_patterns, public_patterns

from . import converters  # noqa: F401  (registers <code:…>)
from .forms import ChangePasswordForm, NewPasswordForm, ResetPasswordForm, SignInForm
from .views import evidence, health, home, portfolio, services

admin.site.site_header = f"{settings.PROGRAMME_NAME} administration"
admin.site.site_title = settings.PROGRAMME_NAME
admin.site.index_title = "Run the programme"

account_patterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm), name="password_change"),
    path("password/changed/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(form_class=ResetPasswordForm), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

service_patterns = (
    [
        path("<int:service_id>/", services.service_detail, name="detail"),
        path("<int:service_id>/start/", services.assessment_start_view, name="start"),
    ],
    "services",
)

portfolio_patterns = (
    [
        path("<int:pk>/", portfolio.overview, name="overview"),
        path("<int:pk>/values/<code:value_code>/", portfolio.value_page, name="value"),
        path("<int:pk>/standards/<code:standard_code>/", portfolio.standard_page, name="standard"),
        path("<int:pk>/standards/<code:standard_code>/link/", portfolio.link_evidence, name="link"),
        path(
            "<int:pk>/standards/<code:standard_code>/unlink/<int:evidence_id>/",
            portfolio.unlink_evidence,
            name="unlink",
        ),
        path("<int:pk>/submit/", portfolio.submit, name="submit"),
        path("<int:pk>/submitted/", portfolio.submitted, name="submitted"),
    ],
    "portfolio",
)

evidence_patterns = (
    [
        path("services/<int:service_id>/", evidence.library, name="library"),
        path("services/<int:service_id>/add/", evidence.add, name="add"),
        path("<int:pk>/", evidence.detail, name="detail"),
        path("<int:pk>/links/", evidence.set_links, name="links"),
        path("<int:pk>/new-version/", evidence.new_version, name="new_version"),
        path("<int:pk>/delete/", evidence.delete, name="delete"),
        path("<int:pk>/download/", evidence.download, name="download"),
    ],
    "evidence",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("account/", include(account_patterns)),
    path("standards/", include("standards.urls")),
    path("services/", include(service_patterns)),
    path("portfolio/", include(portfolio_patterns)),
    path("evidence/", include(evidence_patterns)),
    path("reviews/", include("reviews.urls")),
    path("awards/", include(award_patterns)),
    path("", include(public_patterns)),
    path("admin/", admin.site.urls),
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
]
