"""The HTTP flow: submit, status, cache, ownership, rate limit, CSRF, pages."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

import pytest

from identify import services
from identify.models import IdentificationPhoto, IdentificationRequest
from identify.owners import SESSION_OWNER_KEY

from .factories import (
    IdentificationRequestFactory,
    UserFactory,
    drawing_jpeg,
    library_with_photos,
)

pytestmark = pytest.mark.django_db

NAMES = ["Monstera deliciosa", "Aloe vera", "Pilea peperomioides"]


def _photo(name="Pilea peperomioides", variant=1):
    return SimpleUploadedFile(
        "plant.jpg", drawing_jpeg(name, variant), content_type="image/jpeg"
    )


@pytest.fixture
def library():
    return library_with_photos(NAMES, photos_each=3)


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch):
    """These tests never commit; run the on-commit work (queueing the eager
    task, publishing frames) at once, as a committed request would."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


def test_submit_then_status_gives_the_contract_body(client, library):
    # When a visitor posts a photo (eager Celery runs the task on commit)
    response = client.post("/api/identify/", {"image": _photo(), "organ": "leaf"})

    # Then the answer is 202 with the addresses to follow
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["status"] == "queued"
    assert accepted["status_url"] == f"/api/identify/{accepted['id']}/"
    assert accepted["ws_url"] == f"/ws/identify/{accepted['id']}/"

    body = client.get(accepted["status_url"]).json()
    assert body["id"] == accepted["id"]
    assert (body["status"], body["progress"], body["error"]) == ("done", 100, None)
    assert body["verdict"] in {"identified", "uncertain"}
    top = body["candidates"][0]
    assert top["scientific_name"] == "Pilea peperomioides"
    assert top["basis"] == "visual_match"
    assert top["sources"] == ["local"]
    assert top["care_guide_url"] == "/guides/pilea-peperomioides/"
    assert top["products"] == [
        {
            "title": "Pilea peperomioides in a 12 cm pot",
            "url": "/shop/catalogue/pilea-peperomioides/",
            "price": "18.00",
            "currency": "GBP",
            "in_stock": True,
        }
    ]
    scores = [c["score"] for c in body["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert body["backends"] == {"local": {"outcome": "ok", "error": None}}


def test_same_photo_again_is_served_from_cache_without_backends_or_task(
    client, library, monkeypatch
):
    first = client.post("/api/identify/", {"image": _photo()}).json()
    first_body = client.get(first["status_url"]).json()
    calls = []
    monkeypatch.setattr(
        services, "_identification_enqueue", lambda request_id: calls.append(request_id)
    )
    monkeypatch.setattr(
        "identify.backends.local.LocalMatcherBackend.identify",
        lambda self, photos: pytest.fail("a backend was called on a cache hit"),
    )
    # byte-identical uploads are known: not even decoded again
    monkeypatch.setattr(
        services, "photo_normalise", lambda *a, **k: pytest.fail("decoded again")
    )

    response = client.post("/api/identify/", {"image": _photo()})

    assert response.status_code == 200
    body = response.json()
    assert body["id"] != first["id"]
    assert body["status"] == "done"
    assert body["candidates"] == first_body["candidates"]
    assert calls == []
    assert IdentificationPhoto.objects.filter(request_id=body["id"]).count() == 0


def test_other_organ_or_backend_set_is_not_a_cache_hit(client, library):
    client.post("/api/identify/", {"image": _photo(), "organ": "leaf"})
    response = client.post("/api/identify/", {"image": _photo(), "organ": "flower"})
    assert response.status_code == 202


def test_someone_elses_request_is_404_like_an_unknown_one(client, library):
    accepted = client.post("/api/identify/", {"image": _photo()}).json()
    stranger = Client()
    for path in (
        accepted["status_url"],
        "/api/identify/00000000-0000-4000-8000-000000000000/",
    ):
        response = stranger.get(path)
        assert response.status_code == 404
        assert response.json() == {
            "error": {"code": "not_found", "detail": "No identification with this id."}
        }
    assert stranger.get(f"/identifications/{accepted['id']}/").status_code == 404


def test_signed_in_owner_reads_their_request_and_others_do_not(library):
    owner, other = UserFactory(), UserFactory()
    client = Client()
    client.force_login(owner)
    accepted = client.post("/api/identify/", {"image": _photo()}).json()
    assert IdentificationRequest.objects.get(pk=accepted["id"]).user == owner
    assert client.get(accepted["status_url"]).status_code == 200
    intruder = Client()
    intruder.force_login(other)
    assert intruder.get(accepted["status_url"]).status_code == 404


def test_csrf_is_enforced_with_a_json_error(library):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/identify/", {"image": _photo()})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert IdentificationRequest.objects.count() == 0


def test_wrong_method_is_405_json(client):
    response = client.put("/api/identify/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_rate_limit_answers_429_with_retry_after(client, settings, library):
    settings.IDENTIFY_RATE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/api/identify/", {"image": _photo()}).status_code in (
            200,
            202,
        )

    response = client.post("/api/identify/", {"image": _photo()})

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 3601
    assert IdentificationRequest.objects.count() == 2
    # another visitor has their own allowance
    assert Client().post("/api/identify/", {"image": _photo()}).status_code in (
        200,
        202,
    )


def test_anonymous_requests_move_to_the_account_on_sign_in(client, library):
    accepted = client.post("/api/identify/", {"image": _photo()}).json()
    user = UserFactory()
    token = client.session[SESSION_OWNER_KEY]

    response = client.post(
        "/shop/accounts/login/",
        {
            "login-username": user.email,
            "login-password": "correct horse",
            "login_submit": "1",
        },
    )

    assert response.status_code == 302
    request = IdentificationRequest.objects.get(pk=accepted["id"])
    assert (request.user, request.anonymous_owner) == (user, "")
    assert token
    assert client.get(accepted["status_url"]).status_code == 200


def test_history_page_lists_only_my_requests_in_constant_queries(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    IdentificationRequestFactory.create_batch(
        3, user=user, candidates=[{"scientific_name": "Aloe vera"}]
    )
    IdentificationRequestFactory(candidates=[{"scientific_name": "Not mine"}])
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get("/identifications/")
    assert response.status_code == 200
    assert response.content.count(b"<em>Aloe vera</em>") == 3
    assert b"Not mine" not in response.content
    IdentificationRequestFactory.create_batch(5, user=user)
    with django_assert_max_num_queries(12):
        client.get("/identifications/")


def test_history_page_needs_sign_in(client):
    response = client.get("/identifications/")
    assert response.status_code == 302
    assert "/shop/accounts/login/" in response["Location"]


def test_form_post_without_javascript_lands_on_a_result_page(client, library):
    response = client.post(
        "/identifications/new/",
        {"image": _photo(), "organ": "auto", "next": "/identify/"},
    )
    request = IdentificationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/identifications/{request.id}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'http-equiv="refresh"' not in page.content  # eager: already done
    assert b"Looks like these plants from our shop" in page.content
    assert b"Shop this plant" in page.content


def test_unfinished_result_page_refreshes_itself(client):
    session = client.session
    session[SESSION_OWNER_KEY] = "tok"
    session.save()
    request = IdentificationRequest.objects.create(anonymous_owner="tok")
    page = client.get(f"/identifications/{request.id}/")
    assert b'<meta http-equiv="refresh" content="2">' in page.content


def test_form_post_with_a_bad_file_goes_back_with_the_message(client):
    response = client.post(
        "/identifications/new/",
        {
            "image": SimpleUploadedFile("x.jpg", b"nope"),
            "next": "https://evil.example/",
        },
        follow=False,
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert IdentificationRequest.objects.count() == 0


def test_purge_deletes_old_originals_and_keeps_results(client, library, settings):
    accepted = client.post("/api/identify/", {"image": _photo()}).json()
    request = IdentificationRequest.objects.get(pk=accepted["id"])
    photo = request.photos.get()
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    recent = client.post("/api/identify/", {"image": _photo("Aloe vera", 2)}).json()
    IdentificationRequest.objects.filter(pk=request.pk).update(
        created=timezone.now() - timedelta(days=31)
    )

    deleted = services.identification_originals_purge()

    assert deleted == 1
    assert not storage.exists(name)
    request.refresh_from_db()
    assert request.originals_purged is not None
    assert request.photos.get().image.name == ""
    assert request.candidates  # the result stays
    assert IdentificationRequest.objects.get(pk=recent["id"]).photos.get().image
    assert services.identification_originals_purge() == 0  # idempotent


def test_same_pixels_with_other_metadata_hit_the_cache_by_normalised_hash(
    client, library
):
    import io

    from PIL import Image

    pixels = Image.open(io.BytesIO(drawing_jpeg("Aloe vera", 1)))
    plain, tagged = io.BytesIO(), io.BytesIO()
    pixels.save(plain, format="PNG")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    pixels.save(tagged, format="PNG", exif=exif)
    assert plain.getvalue() != tagged.getvalue()

    first = client.post(
        "/api/identify/", {"image": SimpleUploadedFile("a.png", plain.getvalue())}
    )
    second = client.post(
        "/api/identify/", {"image": SimpleUploadedFile("b.png", tagged.getvalue())}
    )

    assert first.status_code == 202
    assert second.status_code == 200
    assert IdentificationRequest.objects.get(pk=second.json()["id"]).cache_key == (
        IdentificationRequest.objects.get(pk=first.json()["id"]).cache_key
    )


def test_block_on_a_cached_page_gives_each_visitor_a_working_token(home_page, library):
    """The page cache records /identify/ once; the form's CSRF token must
    still be the visitor's own, or every later upload is refused."""
    from cms.tests.factories import LandingPageFactory

    LandingPageFactory(
        parent=home_page,
        slug="identify",
        body=[("identification", {"heading": "What plant is this?", "intro": ""})],
    )
    import re

    tokens = []
    for _ in range(2):  # the first visitor records the page, the second is served it
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get("/identify/")
        assert page.status_code == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)[
            1
        ]
        tokens.append(token)
        response = visitor.post(
            "/api/identify/", {"image": _photo()}, HTTP_X_CSRFTOKEN=token.decode()
        )
        assert response.status_code in (200, 202), response.content
    assert tokens[0] != tokens[1]


def test_location_is_stored_rounded_and_bad_location_is_refused(client, library):
    response = client.post(
        "/api/identify/",
        {"image": _photo(), "latitude": "51.50722", "longitude": "-0.1275"},
    )
    request = IdentificationRequest.objects.get(pk=response.json()["id"])
    assert request.location == (51.5, -0.1)

    for latitude, longitude in (("95", "0"), ("51.5", ""), ("north", "west")):
        response = client.post(
            "/api/identify/",
            {
                "image": _photo("Aloe vera"),
                "latitude": latitude,
                "longitude": longitude,
            },
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_location"
    assert IdentificationRequest.objects.count() == 1
