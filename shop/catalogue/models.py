"""Forked catalogue: a plant product points at its species.

The species record is the single source of plant facts (light, pet safety,
difficulty, size); products never copy them into attributes, so the shop's
filters and the care guides can never disagree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from oscar.apps.catalogue.abstract_models import AbstractProduct


class Product(AbstractProduct):
    species = models.ForeignKey(
        "identify.Species",
        verbose_name=_("Species"),
        null=True,
        blank=True,
        related_name="products",
        # A species with products on sale must not vanish under them.
        on_delete=models.PROTECT,
    )

    class Meta(AbstractProduct.Meta):
        pass


from oscar.apps.catalogue.models import *  # noqa: E402, F403
