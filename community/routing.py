from django.urls import path

from .consumers import ChatConsumer

websocket_urlpatterns: list = [
    path("ws/chat/<str:slug>/", ChatConsumer.as_asgi()),
]
