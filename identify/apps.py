from django.apps import AppConfig


class IdentifyConfig(AppConfig):
    name = "identify"
    verbose_name = "Plant identification"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the sign-in hook)
