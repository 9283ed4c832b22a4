from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = "Standards library"

    def ready(self) -> None:
        from . import workflows

        workflows.register()
