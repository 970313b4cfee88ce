"""The demo's species step: sourced facts only, drawn reference photos, idempotent."""

import pytest

from config.demo import species as demo_species
from identify.models import ReferencePhoto, Species

pytestmark = pytest.mark.django_db


def test_demo_species_load_is_idempotent_and_keeps_unknowns_unknown(monkeypatch):
    monkeypatch.setattr(demo_species, "REFERENCE_PHOTOS_PER_SPECIES", 2)

    first = demo_species.demo_species_load()
    photos = list(ReferencePhoto.objects.values_list("id", "image"))
    second = demo_species.demo_species_load()

    assert len(first) == len(second) == Species.objects.count() == 14
    assert list(ReferencePhoto.objects.values_list("id", "image")) == photos
    assert ReferencePhoto.objects.count() == 28
    fig = Species.objects.get(scientific_name="Ficus lyrata")
    # not in the sourced data: stays unknown rather than guessed
    assert (fig.gbif_id, fig.soil, fig.watering_interval_days) == (None, "", None)
    assert fig.synonyms == ["Ficus pandurata", "Ficus jollyana"]
    snake = Species.objects.get(scientific_name="Dracaena trifasciata")
    assert (snake.gbif_id, snake.authorship) == (11041822, "(Prain) Mabb.")
    assert snake.reference_photos.first().image.read(3) == b"\xff\xd8\xff"
