from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using: str, **kwargs) -> None:
    """The database cache's table is not a model, so no migration makes it; creating it after every migrate means
    each place that prepares a database (make run, CI, a deployment, `manage.py restore`) has it, and switching an
    existing site from Redis to the database cache needs no extra step. Does nothing for other caches, or when the
    table is there."""
    call_command("createcachetable", database=using, verbosity=0)


class WorkflowConfig(AppConfig):
    """The bottom layer: the one transition mechanism, the audit trail, and who counts as an administrator."""

    name = "workflow"
    verbose_name = "Workflow and audit trail"

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self)
