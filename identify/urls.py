"""The JSON API, mounted at /api/identify/."""

from django.urls import path

from . import views

app_name = "identify"

urlpatterns = [
    path("", views.identification_create, name="create"),
    path("<uuid:request_id>/", views.identification_status, name="status"),
]
