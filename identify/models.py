"""The species library: the one record of plant facts.

Care guides, the shop's filters and identification results all read these
fields, so a guide can never disagree with the product it sells. A blank or
null field means the fact is unknown (not sourced), and pages say so.
"""

from django.db import models
from django.db.models.functions import Lower


class Light(models.TextChoices):
    LOW = "low", "Low light"
    MEDIUM = "medium", "Medium light"
    BRIGHT_INDIRECT = "bright_indirect", "Bright, indirect light"
    DIRECT = "direct", "Direct sun"


class Humidity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class GrowthRate(models.TextChoices):
    SLOW = "slow", "Slow"
    MODERATE = "moderate", "Moderate"
    FAST = "fast", "Fast"


class SpeciesQuerySet(models.QuerySet):
    def pet_safe(self):
        """Known safe for both cats and dogs (unknown is not safe)."""
        return self.filter(toxic_to_cats=False, toxic_to_dogs=False)


class Species(models.Model):
    scientific_name = models.CharField(max_length=200, unique=True)
    authorship = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=200, unique=True)
    synonyms = models.JSONField(default=list, blank=True)
    common_names = models.JSONField(
        default=list, blank=True, help_text="Most used first."
    )
    family = models.CharField(max_length=100, blank=True)
    gbif_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True)

    light = models.CharField(max_length=20, choices=Light.choices, blank=True)
    watering = models.CharField(max_length=200, blank=True)
    watering_interval_days = models.PositiveSmallIntegerField(null=True, blank=True)
    humidity = models.CharField(max_length=10, choices=Humidity.choices, blank=True)
    temperature_min_c = models.SmallIntegerField(null=True, blank=True)
    temperature_max_c = models.SmallIntegerField(null=True, blank=True)
    soil = models.CharField(max_length=200, blank=True)
    feeding = models.CharField(max_length=200, blank=True)
    toxic_to_cats = models.BooleanField(null=True, blank=True)
    toxic_to_dogs = models.BooleanField(null=True, blank=True)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, blank=True)
    growth_rate = models.CharField(
        max_length=10, choices=GrowthRate.choices, blank=True
    )
    mature_height_cm = models.PositiveIntegerField(null=True, blank=True)
    propagation = models.JSONField(default=list, blank=True)
    sources = models.JSONField(default=list, blank=True)

    objects = SpeciesQuerySet.as_manager()

    class Meta:
        ordering = ["scientific_name"]
        verbose_name_plural = "species"
        constraints = [
            models.UniqueConstraint(
                Lower("scientific_name"), name="species_scientific_name_ci_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(temperature_min_c__isnull=True)
                | models.Q(temperature_max_c__isnull=True)
                | models.Q(temperature_min_c__lte=models.F("temperature_max_c")),
                name="species_temperature_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.scientific_name

    @property
    def primary_common_name(self) -> str:
        return self.common_names[0] if self.common_names else ""

    @property
    def is_pet_safe(self) -> bool | None:
        """True/False when both facts are known, None when either is unknown."""
        if self.toxic_to_cats is None or self.toxic_to_dogs is None:
            return None
        return not (self.toxic_to_cats or self.toxic_to_dogs)
