"""Identification backends: one module per provider behind ``base.IdentificationBackend``."""

from django.conf import settings

from .base import IdentificationBackend


def backends_enabled(
    *, location: tuple[float, float] | None = None
) -> list[IdentificationBackend]:
    """The backends this deployment runs: local always, remotes when keyed.

    ``location`` (rounded latitude, longitude) goes only to Plant.id, which
    uses it as a regional prior.
    """
    from .local import LocalMatcherBackend
    from .plantid import PlantIdBackend
    from .plantnet import PlantNetBackend

    enabled: list[IdentificationBackend] = [LocalMatcherBackend()]
    if settings.PLANTNET_API_KEY:
        enabled.append(
            PlantNetBackend(
                api_key=settings.PLANTNET_API_KEY,
                base_url=settings.PLANTNET_API_URL,
                project=settings.PLANTNET_PROJECT,
                timeout=settings.PLANTNET_TIMEOUT_SECONDS,
            )
        )
    if settings.PLANTID_API_KEY:
        enabled.append(
            PlantIdBackend(
                api_key=settings.PLANTID_API_KEY,
                base_url=settings.PLANTID_API_URL,
                timeout=settings.PLANTID_TIMEOUT_SECONDS,
                location=location,
            )
        )
    return enabled


def backend_set_name(backends: list[IdentificationBackend]) -> str:
    return "+".join(sorted(backend.name for backend in backends))
