"""Scale of the identity resolver: batch time, peak memory and incremental latency.

For each size (default 100,000 records; pass ``--records 100000 1000000`` for the million)
a subprocess draws a seeded synthetic multichannel population
(:func:`omnicontact.testing.synthetic_population`: French and other names, typos, swapped
names, shared household phones, junk e-mails), holds out ``--samples`` records at random,
resolves the rest in one batch (:meth:`Resolver.resolve_many`, default model, in memory),
then resolves the held-out records one at a time and prints:

* batch: wall time, records/s, customers;
* memory: peak resident memory of the process (``ru_maxrss``) and the resident memory
  once the population was generated (the records themselves, before the resolver);
* incremental: latency of ``Resolver.resolve`` with N records already resolved (median,
  p99, max);
* pairwise precision / recall / F1 of the batch customers against the truth.

``--no-gc`` turns Python's cyclic garbage collector off while timing (see
``bench_resolver.py``); by default it stays on, as in a host application that does not tune it.
``--gc-paused`` runs the batch inside :func:`omnicontact.gc_paused`, as a batch job that opts
in would (see ``docs/explanation/identity.md``); without it the library leaves the collector
alone. ``--freeze`` calls
``gc.freeze()`` after the batch, as a host would once its customers are loaded, so that the
collector's full passes during the incremental phase skip the loaded objects.

Usage: python benchmarks/bench_scale.py [--records 100000 1000000] [--samples 2000] [--no-gc]
[--gc-paused] [--freeze]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

RECORDS_PER_PERSON = 2.5  # synthetic_population draws 1 to 4 records per person


def rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def current_rss_mib() -> float:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:  # not Linux: fall back to the peak
        return rss_mib()
    return pages * resource.getpagesize() / 2**20


def pairwise(truth: dict[str, str], clusters: Any) -> tuple[float, float, float]:
    by_person: dict[str, list[str]] = {}
    for record_id, person in truth.items():
        by_person.setdefault(person, []).append(record_id)
    true_pairs = {p for g in by_person.values() for p in itertools.combinations(sorted(g), 2)}
    got = {p for c in clusters for p in itertools.combinations(sorted(c), 2)}
    hit = len(true_pairs & got)
    precision = hit / len(got) if got else 1.0
    recall = hit / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def worker(
    size: int, samples: int, seed: int, no_gc: bool, freeze: bool = False, paused: bool = False
) -> None:
    from omnicontact import gc_paused
    from omnicontact.identity import Resolver
    from omnicontact.testing import synthetic_population

    start = time.perf_counter()
    population = synthetic_population(round(size / RECORDS_PER_PERSON), seed=seed)
    generated = time.perf_counter() - start
    records = list(population.records)
    rng = random.Random(seed)
    held = set(rng.sample(range(len(records)), min(samples, len(records) // 10)))
    batch = [r for i, r in enumerate(records) if i not in held]
    later = [records[i] for i in sorted(held)]
    base = current_rss_mib()
    if no_gc:
        gc.disable()
    resolver = Resolver()
    start = time.perf_counter()
    if paused:
        with gc_paused():
            resolver.resolve_many(batch)
    else:
        resolver.resolve_many(batch)
    batch_s = time.perf_counter() - start
    peak_batch = rss_mib()
    if freeze:
        gc.freeze()
    times = []
    for record in later:
        t = time.perf_counter()
        resolver.resolve(record)
        times.append(time.perf_counter() - t)
    times.sort()
    gc.enable()
    truth = {r.id: population.truth[r.id] for r in batch}
    clusters = [c & truth.keys() for c in resolver.partition()]
    clusters = [c for c in clusters if c]
    precision, recall, f1 = pairwise(truth, clusters)
    print(
        json.dumps(
            {
                "records": len(records),
                "batch_records": len(batch),
                "generate_s": generated,
                "batch_s": batch_s,
                "customers": len(clusters),
                "rss_population_mib": base,
                "rss_peak_batch_mib": peak_batch,
                "rss_peak_mib": rss_mib(),
                "latency_samples": len(times),
                "latency_median_ms": statistics.median(times) * 1000,
                "latency_p99_ms": times[max(0, int(len(times) * 0.99) - 1)] * 1000,
                "latency_max_ms": times[-1] * 1000,
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-gc", action="store_true", help="disable the cyclic GC")
    parser.add_argument(
        "--gc-paused", action="store_true", help="run the batch inside omnicontact.gc_paused()"
    )
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after the batch")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()
    if args.worker:
        worker(args.worker, args.samples, args.seed, args.no_gc, args.freeze, args.gc_paused)
        return
    print(
        f"garbage collector: {'off' if args.no_gc else 'on'}"
        f"{', paused for the batch (gc_paused)' if args.gc_paused else ''}"
        f"{', frozen after the batch' if args.freeze else ''}"
    )
    for size in args.records:
        command = [sys.executable, __file__, "--worker", str(size)]
        command += ["--samples", str(args.samples), "--seed", str(args.seed)]
        command += ["--no-gc"] if args.no_gc else []
        command += ["--gc-paused"] if args.gc_paused else []
        command += ["--freeze"] if args.freeze else []
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"scale run at {size} records failed:\n{done.stderr}")
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{r['records']:,} records (generated in {r['generate_s']:.0f}s): batch of "
            f"{r['batch_records']:,} in {r['batch_s']:.1f}s "
            f"({r['batch_records'] / r['batch_s']:,.0f} records/s), {r['customers']:,} customers"
        )
        print(
            f"  memory: peak {r['rss_peak_mib']:,.0f} MiB resident "
            f"({r['rss_population_mib']:,.0f} MiB once the population was generated)"
        )
        print(
            f"  incremental ({r['latency_samples']} records, {r['batch_records']:,} resolved): "
            f"median {r['latency_median_ms']:.3f} ms, p99 {r['latency_p99_ms']:.3f} ms, "
            f"max {r['latency_max_ms']:.1f} ms"
        )
        print(
            f"  pairwise P {r['precision']:.4f} R {r['recall']:.4f} F1 {r['f1']:.4f} "
            "(batch records)"
        )


if __name__ == "__main__":
    main()
