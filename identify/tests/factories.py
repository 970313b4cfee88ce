from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

import factory

from config.demo.illustrations import image_to_jpeg_bytes, plant_illustration
from identify.models import IdentificationRequest, ReferencePhoto, Species


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"grower{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse")


class SpeciesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Species
        django_get_or_create = ("scientific_name",)

    scientific_name = factory.Sequence(lambda n: f"Plantus example{n}")
    slug = factory.LazyAttribute(
        lambda species: species.scientific_name.lower().replace(" ", "-")
    )
    common_names = factory.LazyFunction(list)


def drawing_jpeg(scientific_name: str, variant: int = 0, size: int = 480) -> bytes:
    return image_to_jpeg_bytes(
        plant_illustration(scientific_name, variant=variant, size=size)
    )


class ReferencePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferencePhoto

    species = factory.SubFactory(SpeciesFactory)
    position = factory.Sequence(lambda n: n)
    image = factory.LazyAttribute(
        lambda photo: ContentFile(
            drawing_jpeg(photo.species.scientific_name, photo.position % 8),
            name=f"{photo.species.slug}-{photo.position}.jpg",
        )
    )


class IdentificationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentificationRequest

    user = factory.SubFactory(UserFactory)


def library_with_photos(names: list[str], photos_each: int = 4) -> list[Species]:
    """Species with drawn reference photos (variants 0..photos_each-1)."""
    species_list = []
    for name in names:
        species = SpeciesFactory(scientific_name=name)
        for variant in range(photos_each):
            ReferencePhotoFactory(species=species, position=variant)
        species_list.append(species)
    return species_list
