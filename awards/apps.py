from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Decisions and awards"

    def ready(self) -> None:
        from . import workflows

        workflows.register()
