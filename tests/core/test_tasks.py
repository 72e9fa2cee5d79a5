import logging
import threading
import time
from datetime import timedelta
from typing import NamedTuple

import pytest
from celery import shared_task
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from marketplace.celery import app
from marketplace.core.queueing import enqueue_on_commit
from marketplace.core.tasks import clear_expired_sessions

CLEAR_EXPIRED_SESSIONS = "marketplace.core.tasks.clear_expired_sessions"


class Run(NamedTuple):
    value: str
    eager: bool
    queue: str | None
    main_thread: bool


recorded_runs: list[Run] = []
task_ran = threading.Event()


@shared_task(bind=True, name="tests.core.test_tasks.record_run")
def record_run(self, value: str) -> None:
    """Test-only task: remembers where and how it ran."""
    recorded_runs.append(
        Run(
            value=value,
            eager=bool(self.request.is_eager),
            queue=(self.request.delivery_info or {}).get("routing_key"),
            main_thread=threading.current_thread() is threading.main_thread(),
        )
    )
    task_ran.set()


@pytest.fixture(autouse=True)
def _forget_runs():
    recorded_runs.clear()
    task_ran.clear()
    yield
    recorded_runs.clear()
    task_ran.clear()


def make_expired_and_live_session() -> Session:
    """One session that expired yesterday and one that expires tomorrow; returns the live one."""
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now - timedelta(days=1))
    return Session.objects.create(session_key="b" * 32, session_data="", expire_date=now + timedelta(days=1))


def enqueue_then_roll_back() -> None:
    with transaction.atomic():
        enqueue_on_commit(record_run, "rolled back")
        raise RuntimeError("abort")


def wait_until(condition, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# --- Without a broker (the demo and the default test run): tasks run eagerly -----------------------


@pytest.mark.django_db
def test_task_runs_inline_after_commit_when_eager(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(record_run, "eager")
        assert recorded_runs == []

    assert len(callbacks) == 1
    assert [(run.value, run.eager, run.main_thread) for run in recorded_runs] == [("eager", True, True)]


@pytest.mark.django_db
def test_enqueue_on_commit_drops_the_task_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError, match="abort"):
        enqueue_then_roll_back()

    assert callbacks == []
    assert recorded_runs == []


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired_sessions_and_is_idempotent(django_capture_on_commit_callbacks):
    live = make_expired_and_live_session()

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(clear_expired_sessions)
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]

    clear_expired_sessions.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


# --- Broker down -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enqueue_on_commit_logs_and_carries_on_when_the_broker_is_down(
    unreachable_broker, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.WARNING, logger="marketplace.core.queueing")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(record_run, "lost fast path")

    assert len(callbacks) == 1
    assert recorded_runs == []
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "marketplace.core.queueing"]
    assert logged == [
        ("WARNING", "Broker unreachable; tests.core.test_tasks.record_run will be picked up by its sweep task.")
    ]


# --- With a real worker ----------------------------------------------------------------------------


@pytest.mark.celery_worker
def test_task_queued_in_a_transaction_runs_on_the_worker_only_after_commit(celery_worker):
    with transaction.atomic():
        enqueue_on_commit(record_run, "after commit")
        assert not task_ran.wait(timeout=1)

    assert task_ran.wait(timeout=10)
    # Through the broker: delivered from the queue the worker fixture consumes, in the worker's thread.
    assert app.conf.task_default_queue.startswith("test-")
    assert recorded_runs == [
        Run(value="after commit", eager=False, queue=app.conf.task_default_queue, main_thread=False)
    ]


@pytest.mark.celery_worker
def test_task_queued_in_a_rolled_back_transaction_never_reaches_the_worker(celery_worker):
    with pytest.raises(RuntimeError, match="abort"):
        enqueue_then_roll_back()
    enqueue_on_commit(record_run, "next")

    # One queue, consumed in order: had the first task been sent, it would have run before this one.
    assert wait_until(lambda: [run.value for run in recorded_runs][-1:] == ["next"])
    assert [run.value for run in recorded_runs] == ["next"]


@pytest.fixture
def finished_tasks():
    """Tasks that finished while the test ran, as (name, eager, queue, state), from Celery's task_postrun."""
    finished = []

    def on_postrun(sender, task, state, **kwargs):
        # Sent once the task body has returned; its request (how it was delivered) is still current.
        delivery_info = task.request.delivery_info or {}
        finished.append((task.name, bool(task.request.is_eager), delivery_info.get("routing_key"), state))

    task_postrun.connect(on_postrun, weak=False)
    yield finished
    task_postrun.disconnect(on_postrun)


@pytest.mark.celery_worker
def test_clear_expired_sessions_runs_on_the_worker_after_commit(celery_worker, finished_tasks):
    live = make_expired_and_live_session()

    with transaction.atomic():
        enqueue_on_commit(clear_expired_sessions)
        time.sleep(0.5)
        assert finished_tasks == []

    assert wait_until(lambda: finished_tasks)
    assert finished_tasks == [(CLEAR_EXPIRED_SESSIONS, False, app.conf.task_default_queue, "SUCCESS")]
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


# --- Beat ------------------------------------------------------------------------------------------


def test_beat_schedule_names_only_registered_tasks():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert CLEAR_EXPIRED_SESSIONS in scheduled
    assert sorted(scheduled - set(app.tasks)) == []
