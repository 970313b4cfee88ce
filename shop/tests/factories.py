"""Shop factories on top of Oscar's own test factories."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from oscar.core.loading import get_model
from oscar.test import factories as oscar_factories

import factory

from identify.tests.factories import SpeciesFactory as LibrarySpeciesFactory

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Country = get_model("address", "Country")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"shopper{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct horse")
        if create:
            self.save(update_fields=["password"])


class SpeciesFactory(LibrarySpeciesFactory):
    """A library species with the facts the shop's filters read."""

    light = "bright_indirect"
    difficulty = "easy"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    name = "Canopy"
    code = "canopy"


class PlantClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("slug",)

    name = "Plant"
    slug = "plant"
    requires_shipping = True
    track_stock = True


class PlantFactory(factory.django.DjangoModelFactory):
    """A public plant with one stock record (``stock``, ``price`` kwargs)."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    structure = Product.STANDALONE
    upc = factory.Sequence(lambda n: f"TEST-PLANT-{n}")
    title = factory.Sequence(lambda n: f"Test plant {n}")
    product_class = factory.SubFactory(PlantClassFactory)
    species = factory.SubFactory(SpeciesFactory)
    is_public = True

    @factory.post_generation
    def stock(self, create, extracted, **kwargs):
        if not create:
            return
        StockRecord.objects.create(
            product=self,
            partner=PartnerFactory(),
            partner_sku=self.upc,
            price_currency="GBP",
            price=kwargs.get("price", Decimal("20.00")),
            num_in_stock=10 if extracted is None else extracted,
            num_allocated=0,
        )


def country_gb():
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="GB",
        defaults={
            "iso_3166_1_a3": "GBR",
            "iso_3166_1_numeric": "826",
            "printable_name": "United Kingdom",
            "name": "United Kingdom of Great Britain and Northern Ireland",
            "is_shipping_country": True,
        },
    )
    return country


ConditionalOfferFactory = oscar_factories.ConditionalOfferFactory
VoucherFactory = oscar_factories.VoucherFactory
