"""The species library: the one record of plant facts.

Care guides, the shop's filters and identification results all read these
fields, so a guide can never disagree with the product it sells. A blank or
null field means the fact is unknown (not sourced), and pages say so.
"""

import uuid

from django.conf import settings
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


def _reference_photo_path(instance: "ReferencePhoto", filename: str) -> str:
    return f"identify/reference/{instance.species.slug}/{filename}"


def _identification_photo_path(instance: "IdentificationPhoto", filename: str) -> str:
    return f"identify/uploads/{instance.request_id}/{filename}"


class Organ(models.TextChoices):
    AUTO = "auto", "Not sure"
    LEAF = "leaf", "Leaf"
    FLOWER = "flower", "Flower"
    FRUIT = "fruit", "Fruit"
    BARK = "bark", "Bark"
    HABIT = "habit", "Whole plant"


class ReferencePhoto(models.Model):
    """A photo of a species in the library: what the offline matcher compares with.

    ``descriptor`` caches the matcher's vector for this photo (computed when
    the matcher's index first sees the photo, recomputed when the image
    changes), so queries never decode reference images.
    """

    species = models.ForeignKey(
        Species, on_delete=models.CASCADE, related_name="reference_photos"
    )
    image = models.ImageField(upload_to=_reference_photo_path)
    organ = models.CharField(max_length=10, choices=Organ.choices, default=Organ.AUTO)
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    descriptor = models.BinaryField(null=True, blank=True, editable=False)
    descriptor_version = models.PositiveSmallIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["species", "position", "id"]

    def __str__(self) -> str:
        return f"{self.species} #{self.position}"


class IdentificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Verdict(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    UNCERTAIN = "uncertain", "Uncertain"
    NOT_A_PLANT = "not_a_plant", "Not a plant"
    NO_MATCH = "no_match", "No match"


class IdentificationRequestQuerySet(models.QuerySet):
    def owned_by(self, *, user_id: int | None, anonymous_owner: str | None):
        if user_id is not None:
            return self.filter(user_id=user_id)
        if anonymous_owner:
            return self.filter(user__isnull=True, anonymous_owner=anonymous_owner)
        return self.none()

    def unfinished(self):
        return self.filter(
            status__in=[IdentificationStatus.QUEUED, IdentificationStatus.RUNNING]
        )


class IdentificationRequest(models.Model):
    """One "what is this plant?" question: 1-5 photos, then a result.

    The owner is a user, or, for anonymous visitors, a random token kept in
    their session (it survives the session key change at sign-in, when the
    request moves to the account).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identification_requests",
    )
    anonymous_owner = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=10,
        choices=IdentificationStatus.choices,
        default=IdentificationStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    backends = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per backend: whether it ran, its outcome and error.",
    )
    backend_set = models.CharField(max_length=100, blank=True)
    # Optional, rounded to 0.1° (about 11 km) before it is stored: enough for
    # Plant.id's regional priors, too coarse to find anyone's home.
    latitude = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True
    )
    longitude = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True
    )
    error_code = models.CharField(max_length=50, blank=True)
    error_detail = models.CharField(max_length=300, blank=True)
    cache_key = models.CharField(max_length=64, blank=True, db_index=True)
    served_from_cache = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    originals_purged = models.DateTimeField(null=True, blank=True)

    objects = IdentificationRequestQuerySet.as_manager()
    # Nothing in the CMS links to a request; skip Wagtail's per-save indexing.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "-created"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="identification_progress_max_100",
            )
        ]

    def __str__(self) -> str:
        return f"Identification {self.id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (IdentificationStatus.DONE, IdentificationStatus.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started and self.finished:
            return (self.finished - self.started).total_seconds()
        return None

    @property
    def location(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (float(self.latitude), float(self.longitude))

    @property
    def top_candidate(self) -> str:
        return self.candidates[0]["scientific_name"] if self.candidates else ""


class IdentificationPhoto(models.Model):
    """One uploaded photo, re-encoded without metadata before it is stored.

    ``image`` is emptied by the retention purge; ``sha256`` (of the
    normalised bytes) stays, so the result cache keeps working.
    """

    request = models.ForeignKey(
        IdentificationRequest, on_delete=models.CASCADE, related_name="photos"
    )
    position = models.PositiveSmallIntegerField()
    organ = models.CharField(max_length=10, choices=Organ.choices, default=Organ.AUTO)
    image = models.FileField(upload_to=_identification_photo_path, blank=True)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    wagtail_reference_index_ignore = True
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="identification_photo_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} photo {self.position}"
