"""The append-only audit trail, written by the transition mechanism and by every service that changes data."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, and from which state to which. Append-only."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=100, help_text="What happened, e.g. standards.edition.published.")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300)
    from_state = models.CharField(max_length=50, blank=True)
    to_state = models.CharField(max_length=50, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when the audit trail lived in `accreditation`.
        db_table = "accreditation_auditevent"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")


class WorkerHeartbeat(models.Model):
    """A task worker's last sign of life: one row per running worker, rewritten every few seconds."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} (pid {self.pid})"


class ScheduledRun(models.Model):
    """A periodic job enqueued for one slot. The unique pair is what lets many workers share one clock: only the
    worker whose insert succeeds enqueues the job."""

    task_path = models.CharField(max_length=200)
    slot_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    worker_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task_path", "slot_start"], name="one_run_per_slot")]
        ordering = ["-slot_start", "task_path"]

    def __str__(self) -> str:
        return f"{self.task_path} for {self.slot_start:%Y-%m-%d %H:%M}"
