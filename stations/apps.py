from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = "驿站 Stations"

    def ready(self) -> None:
        from stations import checks  # noqa: F401  (registers the system checks)
