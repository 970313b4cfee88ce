"""CMS factories: species, products, images, authors and every page type."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from wagtail.models import Page

from oscar.core.loading import get_model

import factory
import wagtail_factories

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    Author,
    CareGuideIndexPage,
    CareGuidePage,
    LandingPage,
)
from identify.models import Species

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"cms-user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct horse battery")
        if create:
            self.save(update_fields=["password"])


class SpeciesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Species
        django_get_or_create = ("scientific_name",)

    scientific_name = factory.Sequence(lambda n: f"Plantus exemplaris{n}")
    slug = factory.LazyAttribute(lambda s: s.scientific_name.lower().replace(" ", "-"))
    common_names = factory.LazyFunction(lambda: ["example plant"])
    light = "bright_indirect"
    difficulty = "easy"
    toxic_to_cats = None
    toxic_to_dogs = None


class PlantProductFactory(factory.django.DjangoModelFactory):
    """A public standalone product with one stock record (``price``, ``stock``)."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    structure = "standalone"
    upc = factory.Sequence(lambda n: f"CMS-TEST-{n}")
    title = factory.Sequence(lambda n: f"Test plant {n}")
    product_class = factory.LazyFunction(
        lambda: ProductClass.objects.get_or_create(
            slug="plant", defaults={"name": "Plant", "track_stock": True}
        )[0]
    )
    species = None
    is_public = True

    @factory.post_generation
    def stock(self, create, extracted, **kwargs):
        if not create:
            return
        partner, _ = Partner.objects.get_or_create(
            code="canopy", defaults={"name": "Canopy"}
        )
        StockRecord.objects.create(
            product=self,
            partner=partner,
            partner_sku=self.upc,
            price_currency="GBP",
            price=kwargs.get("price", Decimal("20.00")),
            num_in_stock=10 if extracted is None else extracted,
            num_allocated=0,
        )


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    role = "Grower"


ImageFactory = wagtail_factories.ImageFactory


class _PageFactory(wagtail_factories.PageFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create_instance(cls, model_class, parent, kwargs):
        tags = kwargs.pop("tags", None) or []
        instance = model_class(**kwargs)
        if tags:
            instance.tags.add(*tags)
        parent.add_child(instance=instance)
        instance.save_revision().publish()
        return instance


class LandingPageFactory(_PageFactory):
    class Meta:
        model = LandingPage

    title = factory.Sequence(lambda n: f"Landing {n}")
    slug = factory.Sequence(lambda n: f"landing-{n}")


class ArticleIndexPageFactory(_PageFactory):
    class Meta:
        model = ArticleIndexPage

    title = "Articles"
    slug = "articles"


class ArticlePageFactory(_PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    intro = "A short standfirst."
    body = factory.LazyFunction(
        lambda: [("paragraph", "<p>Some words about plants.</p>")]
    )


class CareGuideIndexPageFactory(_PageFactory):
    class Meta:
        model = CareGuideIndexPage

    title = "Care guides"
    slug = "guides"


class CareGuidePageFactory(_PageFactory):
    class Meta:
        model = CareGuidePage

    title = factory.Sequence(lambda n: f"Guide {n}")
    slug = factory.Sequence(lambda n: f"guide-{n}")
    intro = "How to keep it alive."
    species = factory.SubFactory(SpeciesFactory)


def root_page() -> Page:
    return Page.get_first_root_node()
