from django.urls import path

from .consumers import IdentificationConsumer

websocket_urlpatterns = [
    path("ws/identify/<uuid:request_id>/", IdentificationConsumer.as_asgi()),
]
