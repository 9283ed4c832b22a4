"""The append-only audit trail, written by the transition mechanism and by every service that changes data.

Each event carries a SHA-256 hash of its own fields and of the previous event's hash, in the order of their ids, so
that changing, removing or inserting an event by hand breaks the chain (`manage.py audit_verify` finds where). On
PostgreSQL a trigger also refuses UPDATE and DELETE on the table (migration 0003)."""

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.utils import timezone

# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises appending to the chain.
CHAIN_LOCK_KEY = 0x6175646974  # "audit"

# The fields a hash covers, in this order. Changing the list changes every hash: it is part of the stored format.
HASHED_FIELDS = (
    "created_at",
    "actor_id",
    "actor_repr",
    "action",
    # The kind of object by name ("accreditation.service"), not by the content type's id: ids differ between
    # databases (a restore into a freshly migrated one numbers them anew), names do not.
    "target_type",
    "target_id",
    "target_repr",
    "from_state",
    "to_state",
    "note",
    "data",
)


def lock_chain(using: str = "default") -> None:
    """Hold the lock that serialises appending to the chain until the transaction ends (PostgreSQL; on SQLite every
    write transaction already holds the database's one write lock). Taken again by the same transaction, it is
    simply held."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def chain_hash(values: dict[str, Any], previous_hash: str) -> str:
    """The hash of one event: its fields in a canonical JSON form (sorted keys, UTC time to the microsecond, `data` as
    the database gives it back) joined to the previous event's hash. A plain function of plain values, so that the
    data migration and `audit_verify` compute exactly what `AuditEvent.save` computed."""
    created_at = values["created_at"]
    if isinstance(created_at, datetime.datetime):
        created_at = created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    target_type = values["target_type"]
    if isinstance(target_type, ContentType):
        target_type = f"{target_type.app_label}.{target_type.model}"
    canonical = {name: values[name] for name in HASHED_FIELDS} | {"created_at": created_at, "target_type": target_type}
    # JSON round trip: tuples become lists and keys strings, as they do once stored in a JSON column.
    canonical["data"] = json.loads(json.dumps(canonical["data"] or {}))
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous_hash}\n{text}".encode()).hexdigest()


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")

    def bulk_create(self, *args, **kwargs):
        raise TypeError("Audit events are chained one by one: use workflow.audit.audit_log.")


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, and from which state to which. Append-only."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint and nothing done on delete: a person who did things can still be deleted, and their
    # events keep the id and `actor_repr` they were written with (the rows cannot change, and the hashes cover both).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_repr = models.CharField("by", max_length=300, blank=True, help_text="Who acted, as they were named then.")
    action = models.CharField(max_length=100, help_text="What happened, e.g. standards.edition.published.")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300)
    from_state = models.CharField(max_length=50, blank=True)
    to_state = models.CharField(max_length=50, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

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
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # The head is read and the event written under one lock, so two writers cannot both chain to the same head.
        # On SQLite every write transaction already holds the database's one write lock (transaction_mode IMMEDIATE).
        with transaction.atomic(using=using, savepoint=False):
            lock_chain(using)
            head = AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
            self.previous_hash = head or ""
            self.hash = chain_hash(self.chained_values(), self.previous_hash)
            super().save(*args, **kwargs)

    def chained_values(self) -> dict[str, Any]:
        # get_for_id is cached per process: verifying a long trail does not ask for a content type per event.
        target_type = ContentType.objects.db_manager(self._state.db or "default").get_for_id(self.target_type_id)
        return {name: getattr(self, name) for name in HASHED_FIELDS if name != "target_type"} | {
            "target_type": target_type
        }

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
