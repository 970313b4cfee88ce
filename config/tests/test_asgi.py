import pytest
from channels.testing import HttpCommunicator

from config.asgi import application

HOST = [(b"host", b"testserver")]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_page_renders_through_the_asgi_application(home_page):
    communicator = HttpCommunicator(application, "GET", "/", headers=HOST)

    response = await communicator.get_response(timeout=10)

    assert response["status"] == 200
    assert b"<html" in response["body"]
    # ASGI header names keep Django's casing; HTTP says they are case-blind.
    headers = {name.lower(): value for name, value in response["headers"]}
    assert headers[b"x-request-id"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_unknown_paths_are_404_through_the_asgi_application(home_page):
    communicator = HttpCommunicator(application, "GET", "/no/such/page/", headers=HOST)

    response = await communicator.get_response(timeout=10)

    assert response["status"] == 404
