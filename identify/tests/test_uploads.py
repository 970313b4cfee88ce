"""Upload validation: every bad input gets the contract's JSON error and stores nothing."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image
from pillow_heif import from_pillow

from config.api_errors import ApiError
from identify.models import IdentificationPhoto, IdentificationRequest
from identify.uploads import photo_normalise, sniff_image_type

from .factories import drawing_jpeg

pytestmark = pytest.mark.django_db


def _encoded(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90 CW to view
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    return exif


def _post(client, *files, organs=None):
    data = {"image": list(files)}
    if organs is not None:
        data["organ"] = organs
    return client.post("/api/identify/", data)


def _upload(data: bytes, name: str = "plant.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _assert_nothing_stored():
    assert IdentificationRequest.objects.count() == 0
    assert IdentificationPhoto.objects.count() == 0


def test_jpeg_is_reencoded_without_exif_or_gps_and_turned_upright():
    # Given a 400x200 JPEG whose EXIF says "rotate 90°" and carries GPS
    original = Image.new("RGB", (400, 200), (40, 120, 50))
    data = _encoded(original, "JPEG", exif=_gps_exif())
    assert b"PhoneMaker" in data

    # When it is normalised
    photo = photo_normalise(data)

    # Then the stored bytes are a fresh JPEG with no metadata, upright
    stored = Image.open(io.BytesIO(photo.data))
    assert stored.format == "JPEG"
    assert (photo.width, photo.height) == (200, 400)
    assert stored.getexif() == {}
    assert b"PhoneMaker" not in photo.data
    assert b"Exif" not in photo.data


def test_large_photo_is_resized_and_hash_is_stable():
    data = drawing_jpeg("Monstera deliciosa", size=2000)
    first, second = photo_normalise(data), photo_normalise(data)
    assert max(first.width, first.height) == 1500
    assert first.sha256 == second.sha256
    assert len(first.sha256) == 64


@pytest.mark.parametrize(
    ("fmt", "params", "expected"),
    [
        ("PNG", {}, "png"),
        ("WEBP", {"quality": 80}, "webp"),
        ("JPEG", {}, "jpeg"),
    ],
)
def test_accepted_types_are_sniffed_from_bytes(fmt, params, expected):
    data = _encoded(Image.new("RGB", (64, 64), (10, 200, 30)), fmt, **params)
    assert sniff_image_type(data[:64]) == expected
    assert photo_normalise(data).width == 64


def test_heic_is_accepted():
    heif = from_pillow(Image.new("RGB", (128, 96), (30, 140, 60)))
    buffer = io.BytesIO()
    heif.save(buffer, quality=70)
    data = buffer.getvalue()
    assert sniff_image_type(data[:64]) == "heic"
    photo = photo_normalise(data)
    assert (photo.width, photo.height) == (128, 96)


def test_png_with_transparency_is_flattened_on_white():
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    photo = photo_normalise(_encoded(image, "PNG"))
    assert Image.open(io.BytesIO(photo.data)).getpixel((16, 16)) >= (250, 250, 250)


def test_upload_stores_normalised_photo(client):
    response = _post(
        client,
        _upload(_encoded(Image.new("RGB", (300, 200)), "JPEG", exif=_gps_exif())),
    )
    assert response.status_code in (200, 202)
    photo = IdentificationPhoto.objects.get()
    stored = photo.image.read()
    assert b"PhoneMaker" not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {}


@pytest.mark.parametrize(
    ("make_file", "status", "code"),
    [
        # a text file named .jpg: the name does not count, the bytes do
        (
            lambda: _upload(b"this is not an image at all", "plant.jpg"),
            415,
            "unsupported_media_type",
        ),
        # a GIF is an image, but not one we take
        (
            lambda: _upload(
                _encoded(Image.new("RGB", (8, 8)), "GIF"), "plant.gif", "image/gif"
            ),
            415,
            "unsupported_media_type",
        ),
        # a JPEG cut in half
        (lambda: _upload(drawing_jpeg("Aloe vera")[:4000]), 400, "truncated_image"),
        # over 10 MB
        (
            lambda: _upload(b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024)),
            413,
            "file_too_large",
        ),
        # an empty file
        (lambda: _upload(b""), 400, "empty_file"),
    ],
    ids=["text-named-jpg", "gif", "truncated", "over-10mb", "empty"],
)
def test_bad_uploads_are_refused_with_json_and_store_nothing(
    client, make_file, status, code
):
    response = _post(client, make_file())
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["detail"]
    _assert_nothing_stored()


def test_decompression_bomb_is_refused_from_its_header(client):
    # Given a PNG claiming 8000x6000 = 48 MP (it compresses to a few kB)
    bomb = _encoded(Image.new("L", (8000, 6000)), "PNG", optimize=True)
    assert len(bomb) < 1_000_000
    response = _post(client, _upload(bomb, "bomb.png", "image/png"))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "image_too_large"
    _assert_nothing_stored()


def test_one_bad_photo_among_good_ones_stores_nothing(client):
    response = _post(
        client,
        _upload(drawing_jpeg("Aloe vera")),
        _upload(b"GIF89a not really", "second.jpg"),
    )
    assert response.status_code == 415
    assert "second.jpg" in response.json()["error"]["detail"]
    _assert_nothing_stored()


@pytest.mark.parametrize(
    ("count", "organs", "code"),
    [
        (0, None, "no_image"),
        (6, None, "too_many_images"),
        (2, ["leaf", "flower", "bark"], "organ_mismatch"),
        (1, ["root"], "invalid_organ"),
    ],
)
def test_photo_count_and_organs_are_checked(client, count, organs, code):
    files = [
        _upload(drawing_jpeg("Aloe vera", variant=i, size=96), f"{i}.jpg")
        for i in range(count)
    ]
    response = _post(client, *files, organs=organs)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    _assert_nothing_stored()


def test_normalise_refuses_over_40_megapixels_directly():
    with pytest.raises(ApiError) as error:
        photo_normalise(_encoded(Image.new("L", (7000, 6000)), "PNG"))
    assert error.value.code == "image_too_large"
