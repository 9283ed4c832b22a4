from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "People, services and portfolios"

    def ready(self) -> None:
        from . import checks, workflows  # noqa: F401  (checks registers the deployment checks)

        workflows.register()
