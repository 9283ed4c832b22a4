from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """The bottom layer: the one transition mechanism, the audit trail, and who counts as an administrator."""

    name = "workflow"
    verbose_name = "Workflow and audit trail"
