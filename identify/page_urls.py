"""The HTML pages (no-JavaScript result page, history), mounted at /identifications/."""

from django.urls import path

from . import views

app_name = "identify_pages"

urlpatterns = [
    path("", views.identification_history_page, name="history"),
    path("new/", views.identification_submit_page, name="submit"),
    path("<uuid:request_id>/", views.identification_result_page, name="result"),
]
