"""Pausing the cyclic garbage collector is the caller's choice; bulk calls make no cycles."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from omnicontact import gc_paused
from omnicontact._gc import BULK_SIZE
from omnicontact.identity import Record, Resolver, estimate
from omnicontact.testing import synthetic_population


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.fixture(scope="module")
def records() -> list[Record]:
    population = synthetic_population(BULK_SIZE, seed=11)
    assert len(population.records) >= BULK_SIZE + 100
    return list(population.records)


class TestPause:
    def test_pauses_and_restores(self, collector_on: None) -> None:
        """The collector is off inside the block and on again after it."""
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_restores_after_an_error(self, collector_on: None) -> None:
        """A block that raises still switches the collector back on."""

        def failing() -> None:
            with gc_paused():
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            failing()
        assert gc.isenabled()

    def test_leaves_a_disabled_collector_disabled(self, collector_on: None) -> None:
        """A host that turned the collector off keeps it off."""
        gc.disable()
        with gc_paused():
            pass
        assert not gc.isenabled()

    def test_nested_and_concurrent_blocks(self, collector_on: None) -> None:
        """The collector comes back only when the last of several overlapping blocks ends."""
        inside, release = threading.Event(), threading.Event()

        def other() -> None:
            with gc_paused():
                inside.set()
                release.wait(5)

        thread = threading.Thread(target=other)
        with gc_paused():
            thread.start()
            assert inside.wait(5)
        assert not gc.isenabled()  # the other thread's block is still open
        release.set()
        thread.join(5)
        assert gc.isenabled()

    def test_objects_made_during_a_pause_go_to_the_oldest_generation(
        self, collector_on: None
    ) -> None:
        """No young collection walks what a pause made: it is in the oldest generation."""
        with gc_paused():
            made = [[index] for index in range(100)]
        oldest = {id(item) for item in gc.get_objects(generation=2)}
        assert all(id(item) in oldest for item in made)

    def test_objects_a_host_froze_stay_frozen(self, collector_on: None) -> None:
        """A host's ``gc.freeze()`` survives a pause (the promotion is skipped)."""
        gc.freeze()
        try:
            frozen = gc.get_freeze_count()
            assert frozen > 0
            with gc_paused():
                made = [[index] for index in range(100)]
            assert gc.get_freeze_count() == frozen
            assert gc.isenabled()
            assert made
        finally:
            gc.unfreeze()


class TestBulkCalls:
    def test_library_calls_leave_the_collector_alone(
        self, collector_on: None, records: list[Record]
    ) -> None:
        """resolve_many and estimate of a bulk batch never switch the collector off or
        promote objects: the host's collector is the host's."""
        switched: list[bool] = []

        def callback(phase: str, info: dict[str, int]) -> None:
            switched.append(gc.isenabled())

        gc.callbacks.append(callback)
        try:
            model = estimate(records[:BULK_SIZE], seed=1)
            assert gc.isenabled()
            Resolver(model=model).resolve_many(records[:BULK_SIZE])
            assert gc.isenabled()
        finally:
            gc.callbacks.remove(callback)
        assert switched  # the collector ran during the calls, as the host left it
        assert all(switched)

    def test_a_batch_job_opts_in(self, collector_on: None, records: list[Record]) -> None:
        """Inside gc_paused a bulk batch runs with the collector off; it is on after."""
        seen: list[bool] = []
        model = estimate(records[:BULK_SIZE], seed=1)
        with gc_paused():
            Resolver(model=model).resolve_many(records[:BULK_SIZE])
            seen.append(gc.isenabled())
        assert seen == [False]
        assert gc.isenabled()

    def test_resolver_and_estimate_make_no_reference_cycles(self, records: list[Record]) -> None:
        """With the collector off, a batch, incremental resolves and an unmerge leave no
        cyclic garbage: pausing the collector loses nothing."""
        was = gc.isenabled()
        gc.collect()
        gc.disable()
        try:
            model = estimate(records, seed=1)
            resolver = Resolver(model=model)
            resolver.resolve_many(records[:BULK_SIZE])
            for record in records[BULK_SIZE : BULK_SIZE + 50]:
                resolver.resolve(record)
            resolver.remove_record(records[0].id)
            assert gc.collect() == 0
        finally:
            if was:
                gc.enable()
