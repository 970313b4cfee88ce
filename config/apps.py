from django.apps import AppConfig


class CanopyConfig(AppConfig):
    """The project itself: health checks, navigation, templates tags."""

    name = "config"
    label = "canopy"
    verbose_name = "Canopy"
