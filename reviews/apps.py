from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Peer review"

    def ready(self) -> None:
        from . import workflows

        workflows.register()
