"""The offline matcher: indexed once, updated when reference photos change."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from identify.backends import local
from identify.backends.base import PhotoInput
from identify.backends.local import LocalMatcherBackend, reference_index_get
from identify.models import ReferencePhoto
from identify.uploads import photo_normalise

from .factories import ReferencePhotoFactory, drawing_jpeg, library_with_photos

pytestmark = pytest.mark.django_db

NAMES = [
    "Monstera deliciosa",
    "Dracaena trifasciata",
    "Pilea peperomioides",
    "Goeppertia orbifolia",
]


@pytest.fixture(autouse=True)
def _fresh_index(monkeypatch):
    monkeypatch.setattr(local, "_index", None)


def _query(name, variant):
    return [PhotoInput(data=photo_normalise(drawing_jpeg(name, variant)).data)]


def test_matcher_finds_the_same_plant_in_an_unseen_photo():
    library = library_with_photos(NAMES, photos_each=4)
    result = LocalMatcherBackend(timeout=5).identify(_query("Pilea peperomioides", 6))
    top = result.candidates[0]
    assert top.species_id == library[2].id
    assert top.basis == "visual_match"
    assert result.is_plant is True
    assert all(c.basis == "visual_match" for c in result.candidates)


def test_index_is_built_once_and_queries_do_not_decode_reference_photos():
    library_with_photos(NAMES[:2], photos_each=2)
    first = reference_index_get()
    assert ReferencePhoto.objects.filter(descriptor__isnull=True).count() == 0
    with CaptureQueriesContext(connection) as queries:
        second = reference_index_get()
    assert second is first
    assert len(queries) == 1  # the change stamp only


def test_index_updates_when_an_editor_adds_a_photo():
    [monstera, _] = library_with_photos(NAMES[:2], photos_each=2)
    before = reference_index_get()
    ReferencePhotoFactory(species=monstera, position=7)
    after = reference_index_get()
    assert after is not before
    assert after.matrix.shape[0] == before.matrix.shape[0] + 1


def test_photo_without_plant_colours_is_not_a_plant():
    from PIL import Image

    from config.demo.illustrations import image_to_jpeg_bytes

    library_with_photos(NAMES[:1], photos_each=1)
    grey = image_to_jpeg_bytes(Image.new("RGB", (300, 300), (120, 112, 104)))
    result = LocalMatcherBackend(timeout=5).identify([PhotoInput(data=grey)])
    assert result.is_plant is False
