"""The demo pages step: every page type and block, and a second run changes nothing."""

from django.apps import apps

from wagtail.models import Page, Revision

import pytest

from cms.blocks import BodyStreamBlock
from cms.models import ArticlePage, CareGuidePage, LandingPage
from config.demo.pages import demo_pages_load

from .factories import PlantProductFactory, SpeciesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_inputs():
    monstera = SpeciesFactory(
        scientific_name="Monstera deliciosa",
        slug="monstera-deliciosa",
        toxic_to_cats=True,
        toxic_to_dogs=True,
        propagation=["stem cuttings"],
    )
    spider = SpeciesFactory(
        scientific_name="Chlorophytum comosum",
        slug="chlorophytum-comosum",
        common_names=["spider plant"],
        toxic_to_cats=False,
        toxic_to_dogs=False,
    )
    PlantProductFactory(title="Swiss cheese plant", species=monstera)
    PlantProductFactory(title="Spider plant", species=spider)
    PlantProductFactory(title="Terracotta pot")
    room_model = apps.get_model("community", "Room")
    for slug, title in (("general", "General"), ("plant-doctor", "Plant doctor")):
        room_model.objects.get_or_create(slug=slug, defaults={"title": title})


def test_demo_pages_use_every_page_type_and_block_and_are_idempotent(
    client, home_page, demo_inputs
):
    demo_pages_load(home_page)
    pages_after_first = Page.objects.count()
    revisions_after_first = Revision.objects.count()

    demo_pages_load(home_page)

    assert Page.objects.count() == pages_after_first
    assert Revision.objects.count() == revisions_after_first
    assert ArticlePage.objects.live().count() == 6
    assert CareGuidePage.objects.live().count() == 2
    used = set()
    for model in (ArticlePage, CareGuidePage, LandingPage):
        for page in model.objects.all():
            used |= {block.block_type for block in page.body}
    home = home_page.specific_class.objects.get()
    used |= {block.block_type for block in home.body}
    assert used == set(BodyStreamBlock.base_blocks)
    for path in ("/", "/articles/", "/guides/", "/identify/", "/community/"):
        assert client.get(path).status_code == 200, path
    community = client.get("/community/").content.decode()
    assert 'data-chat-room="general"' in community
    guide = client.get("/guides/monstera-deliciosa/").content.decode()
    assert "Shop this plant" in guide
    assert "Swiss cheese plant" in guide
