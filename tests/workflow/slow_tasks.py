"""Tasks for tests that need a worker busy for a while (imported by the worker process by their dotted path)."""

import time

from django.tasks import task


@task
def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"
