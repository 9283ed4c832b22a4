from django.urls import path

from accreditation import converters  # noqa: F401  (registers <code:…>)

from . import views

app_name = "standards"

urlpatterns = [
    path("", views.edition_current_redirect, name="current"),
    path("<slug:code>/", views.edition_detail, name="edition"),
    path("<slug:code>/<code:value_code>/", views.value_detail, name="value"),
]
