"""Check the audit trail's hash chain: every event as it was written, none removed, none inserted."""

from django.core.management.base import BaseCommand, CommandError

from workflow.models import AuditEvent, chain_hash


def chain_problems(events) -> tuple[int, list[str]]:
    """(events read, one line per problem) for `events` in the order of their ids."""
    problems = []
    count = 0
    before = last = None  # the two events read before this one
    for event in events:
        count += 1
        expected = last.hash if last is not None else ""
        if event.previous_hash != expected:
            if before is not None and event.previous_hash == before.hash:
                problems.append(f"Event {last.pk} was inserted: event {event.pk} follows event {before.pk}.")
            elif last is None:
                problems.append(f"Event {event.pk} is the first left: the events before it were removed.")
            else:
                problems.append(f"Events were removed between event {last.pk} and event {event.pk}.")
        if event.hash != chain_hash(event.chained_values(), event.previous_hash):
            problems.append(f"Event {event.pk} was changed ({event.action} on {event.target_repr}).")
        before, last = last, event
    return count, problems


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain. Prints one line per changed, removed or inserted event and exits "
        "with status 1, or says how many events were verified and the hash of the last one (keep it somewhere else: "
        "a later run that does not reach it means events were removed from the end)."
    )

    def handle(self, *args, **options):
        events = AuditEvent.objects.order_by("id")
        count, problems = chain_problems(events.iterator(chunk_size=2000))
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {count} events.")
        last = events.last()
        self.stdout.write(f"{count} events verified." + (f" Last: event {last.pk}, hash {last.hash}." if last else ""))
