"""Plant.id and Pl@ntNet clients against the fake server (no network)."""

import base64
import json

import pytest

from identify.backends.base import (
    BackendRateLimited,
    BackendRejected,
    BackendUnavailable,
    PhotoInput,
)
from identify.backends.plantid import PlantIdBackend
from identify.backends.plantnet import PlantNetBackend

from .fake_services import payload

PHOTOS = [
    PhotoInput(data=b"\xff\xd8\xff-first", organ="leaf"),
    PhotoInput(data=b"\xff\xd8\xff-second", organ="habit"),
]


@pytest.fixture
def plantid(fake_api):
    return PlantIdBackend(api_key="id-key", base_url=fake_api.url + "/v3", timeout=0.5)


@pytest.fixture
def plantnet(fake_api):
    return PlantNetBackend(
        api_key="net-key", base_url=fake_api.url, project="all", timeout=0.5
    )


# --- Plant.id ---------------------------------------------------------------------


def test_plantid_success_sends_base64_images_with_key_and_parses(fake_api, plantid):
    fake_api.queue("plantid_success")

    result = plantid.identify(PHOTOS)

    sent = fake_api.received[0]
    assert sent.path == "/v3/identification?details=common_names%2Cgbif_id"
    assert sent.headers["Api-Key"] == "id-key"
    body = json.loads(sent.body)
    assert body["similar_images"] is True
    assert [base64.b64decode(image.split(",", 1)[1]) for image in body["images"]] == [
        photo.data for photo in PHOTOS
    ]
    assert result.is_plant is True
    assert [(c.scientific_name, c.score, c.gbif_id) for c in result.candidates] == [
        ("Sansevieria trifasciata", 0.8745, 2771429),
        ("Dracaena angolensis", 0.0612, None),
    ]
    assert result.candidates[0].common_names == (
        "snake plant",
        "mother-in-law's tongue",
    )
    assert result.candidates[0].basis == "species"


def test_plantid_not_a_plant(fake_api, plantid):
    fake_api.queue("plantid_not_a_plant")
    result = plantid.identify(PHOTOS)
    assert result.is_plant is False


@pytest.mark.parametrize(
    ("reply", "error_class", "code", "retryable"),
    [
        ("plantid_400", BackendRejected, "bad_request", False),
        ("plantid_401", BackendRejected, "unauthorised", False),
        ("plantid_413", BackendRejected, "image_too_large", False),
        ("plantid_429", BackendRateLimited, "rate_limited", True),
        ("plantid_500", BackendUnavailable, "unavailable", True),
        ("plantid_malformed", BackendRejected, "malformed_response", False),
    ],
)
def test_plantid_errors(fake_api, plantid, reply, error_class, code, retryable):
    fake_api.queue(reply)
    with pytest.raises(error_class) as error:
        plantid.identify(PHOTOS)
    assert error.value.code == code
    assert error.value.retryable is retryable


def test_plantid_plain_text_error_is_quoted_not_parsed(fake_api, plantid):
    fake_api.queue("plantid_429")
    with pytest.raises(BackendRateLimited) as error:
        plantid.identify(PHOTOS)
    assert "Insufficient credits" in error.value.detail
    assert error.value.retry_after == 1.0


def test_plantid_timeout(fake_api, plantid):
    fake_api.queue(payload("plantid_success", delay=1.5))
    with pytest.raises(BackendUnavailable) as error:
        plantid.identify(PHOTOS)
    assert error.value.code == "timeout"
    assert error.value.retryable is True


def test_unreachable_service_is_retryable():
    backend = PlantIdBackend(api_key="k", base_url="http://127.0.0.1:9", timeout=0.5)
    with pytest.raises(BackendUnavailable) as error:
        backend.identify(PHOTOS)
    assert error.value.code in {"unreachable", "timeout"}


# --- Pl@ntNet ---------------------------------------------------------------------


def test_plantnet_success_sends_multipart_images_and_organs(fake_api, plantnet):
    fake_api.queue("plantnet_success")

    result = plantnet.identify(PHOTOS)

    sent = fake_api.received[0]
    assert sent.path.startswith("/v2/identify/all?")
    assert "api-key=net-key" in sent.path
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert sent.body.count(b'name="images"') == 2
    assert sent.body.count(b'name="organs"') == 2
    assert b"-first" in sent.body
    assert b"-second" in sent.body
    assert [(c.scientific_name, c.score, c.gbif_id) for c in result.candidates] == [
        ("Monstera deliciosa", 0.83121, 2868241),
        ("Epipremnum pinnatum", 0.04218, 2868318),
    ]
    assert result.candidates[0].common_names == ("Swiss cheese plant", "Ceriman")
    assert result.remaining_requests == 487


def test_plantnet_habit_only_is_sent_with_a_primary_organ(fake_api, plantnet):
    fake_api.queue("plantnet_success")
    plantnet.identify([PhotoInput(data=b"x", organ="habit")])
    body = fake_api.received[0].body
    assert b'name="organs"\r\n\r\nauto' in body


def test_plantnet_species_not_found_means_not_a_plant(fake_api, plantnet):
    fake_api.queue("plantnet_species_not_found")
    result = plantnet.identify(PHOTOS)
    assert result.candidates == []
    assert result.is_plant is False


@pytest.mark.parametrize(
    ("reply", "error_class", "code", "retryable"),
    [
        ("plantnet_401", BackendRejected, "unauthorised", False),
        ("plantnet_413", BackendRejected, "image_too_large", False),
        ("plantnet_429", BackendRateLimited, "rate_limited", True),
        ("plantnet_503", BackendUnavailable, "unavailable", True),
        ("plantnet_malformed", BackendRejected, "malformed_response", False),
    ],
)
def test_plantnet_errors(fake_api, plantnet, reply, error_class, code, retryable):
    fake_api.queue(reply)
    with pytest.raises(error_class) as error:
        plantnet.identify(PHOTOS)
    assert error.value.code == code
    assert error.value.retryable is retryable


def test_plantnet_quota_error_keeps_retry_after(fake_api, plantnet):
    fake_api.queue("plantnet_429")
    with pytest.raises(BackendRateLimited) as error:
        plantnet.identify(PHOTOS)
    assert error.value.retry_after == 1.0


def test_plantnet_timeout(fake_api, plantnet):
    fake_api.queue(payload("plantnet_success", delay=1.5))
    with pytest.raises(BackendUnavailable) as error:
        plantnet.identify(PHOTOS)
    assert error.value.code == "timeout"


def test_plantid_sends_only_a_rounded_location(fake_api):
    backend = PlantIdBackend(
        api_key="k", base_url=fake_api.url, timeout=1, location=(51.50722, -0.12750)
    )
    fake_api.queue("plantid_success")
    backend.identify(PHOTOS)
    body = json.loads(fake_api.received[0].body)
    assert (body["latitude"], body["longitude"]) == (51.5, -0.1)
