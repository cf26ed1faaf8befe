"""Accuracy and speed of the identity resolver on a synthetic multichannel population.

Prints, for a seeded population of people seen on several channels (typos, swapped names,
missing fields, format variants, shared household phones, junk e-mails):

* blocking: candidate pairs, blocking recall (true pairs that are candidates) and the
  transitive recall bound (true pairs joined by a chain of same-person candidate pairs);
* accuracy of the final customers against the truth, pairwise and B-cubed, with the
  default model (no training) and with a model estimated from the records (no labels);
* speed: batch time and throughput, incremental latency (median, p99) one record at a time.

Usage: python benchmarks/bench_resolver.py [--people 5000] [--seed 7] [--no-gc]

``--no-gc`` turns Python's cyclic garbage collector off while timing: with hundreds of
thousands of live objects its full collections dominate run time and tail latency, and a
host application may tune it (``gc.freeze()``, thresholds). omnicontact never touches it
unless asked: like a batch job, this benchmark runs its bulk calls (``resolve_many`` and
``estimate``, which make no reference cycles) inside :func:`omnicontact.gc_paused`.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import time
from collections.abc import Iterable

from omnicontact import gc_paused
from omnicontact.identity import MatchModel, Resolver, estimate
from omnicontact.testing import Population, synthetic_population


def pairs_of(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    found = set()
    for group in groups:
        found.update(itertools.combinations(sorted(group), 2))
    return found


def pairwise(truth: set[tuple[str, str]], got: set[tuple[str, str]]) -> tuple[float, ...]:
    hit = len(truth & got)
    precision = hit / len(got) if got else 1.0
    recall = hit / len(truth) if truth else 1.0
    return precision, recall, f1(precision, recall)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def b_cubed(truth: dict[str, str], clusters: Iterable[frozenset[str]]) -> tuple[float, ...]:
    by_person: dict[str, set[str]] = {}
    for record_id, person in truth.items():
        by_person.setdefault(person, set()).add(record_id)
    precision = recall = 0.0
    for cluster in clusters:
        for record_id in cluster:
            same = by_person[truth[record_id]]
            overlap = len(cluster & same)
            precision += overlap / len(cluster)
            recall += overlap / len(same)
    n = len(truth)
    return precision / n, recall / n, f1(precision / n, recall / n)


def blocking_report(population: Population, model: MatchModel) -> None:
    blocks: dict[str, list[str]] = {}
    for record in population.records:
        for key in model.blocking.keys(model.profile(record)):
            blocks.setdefault(key, []).append(record.id)
    limit = model.blocking.max_block_size
    candidates: set[tuple[str, str]] = set()
    skipped = 0
    for members in blocks.values():
        if len(members) > limit:
            skipped += 1
            continue
        candidates.update(itertools.combinations(sorted(members), 2))
    truth = pairs_of(population.true_partition())
    n = len(population.records)
    direct = len(truth & candidates) / len(truth)
    # transitive bound: components of same-person candidate pairs
    parent = {r.id: r.id for r in population.records}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in candidates:
        if population.truth[a] == population.truth[b]:
            parent[find(a)] = find(b)
    reachable = sum(1 for a, b in truth if find(a) == find(b)) / len(truth)
    print(f"records {n}, people {len(population.true_partition())}, true pairs {len(truth)}")
    print(
        f"blocking: {len(candidates)} candidate pairs ({len(candidates) / n:.1f} per record, "
        f"{len(candidates) / (n * (n - 1) / 2):.2e} of all pairs), oversized blocks {skipped}"
    )
    print(f"blocking recall: direct {direct:.4f}, transitive bound {reachable:.4f}")


def accuracy(name: str, population: Population, model: MatchModel, extra: float = 0.0) -> None:
    resolver = Resolver(model=model)
    start = time.perf_counter()
    with gc_paused():
        resolver.resolve_many(population.records)
    elapsed = time.perf_counter() - start
    clusters = resolver.partition()
    p, r, f = pairwise(pairs_of(population.true_partition()), pairs_of(clusters))
    bp, br, bf = b_cubed(population.truth, clusters)
    total = f" (+{extra:.2f}s training)" if extra else ""
    print(
        f"{name:<10} pairwise P {p:.4f} R {r:.4f} F1 {f:.4f} | B-cubed P {bp:.4f} R {br:.4f} "
        f"F1 {bf:.4f} | customers {len(clusters)} | batch {elapsed:.2f}s{total}, "
        f"{len(population.records) / elapsed:,.0f} records/s"
    )


def latency(population: Population, model: MatchModel) -> None:
    resolver = Resolver(model=model)
    times = []
    start = time.perf_counter()
    for record in population.records:
        t = time.perf_counter()
        resolver.resolve(record)
        times.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    print(
        f"incremental: {len(times) / elapsed:,.0f} records/s, latency median "
        f"{statistics.median(times) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms, "
        f"max {times[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-gc", action="store_true", help="disable the cyclic GC")
    args = parser.parse_args()
    if args.no_gc:
        gc.disable()
    print(f"garbage collector: {'off' if args.no_gc else 'on'}")
    population = synthetic_population(args.people, seed=args.seed)
    default = MatchModel()
    blocking_report(population, default)
    accuracy("default", population, default)
    start = time.perf_counter()
    with gc_paused():
        trained = estimate(population.records, seed=args.seed)
    training = time.perf_counter() - start
    accuracy("estimated", population, trained, training)
    latency(population, default)


if __name__ == "__main__":
    main()
