"""CMS factories: species, products, images, authors and every page type."""

from django.contrib.auth import get_user_model

from wagtail.models import Page

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
from shop.tests.factories import PlantFactory
from shop.tests.factories import SpeciesFactory as ShopSpeciesFactory


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


class SpeciesFactory(ShopSpeciesFactory):
    common_names = factory.LazyFunction(lambda: ["example plant"])


class PlantProductFactory(PlantFactory):
    """A public standalone product with one stock record (``price``, ``stock``),
    by default not tied to a species."""

    species = None


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
