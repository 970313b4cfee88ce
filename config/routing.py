"""Websocket routes, one list per app."""

from community.routing import websocket_urlpatterns as community_routes
from identify.routing import websocket_urlpatterns as identify_routes

websocket_urlpatterns = [*identify_routes, *community_routes]
