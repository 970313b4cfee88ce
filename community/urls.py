from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("<slug:slug>/messages/", views.message_list, name="message-list"),
]
