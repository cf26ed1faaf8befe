"""Normalization throughput for phones and emails, cold and on a realistic repeated stream.

Prints values per second for: distinct raw values (every value parsed once, cache cold) and
a stream of contacts in which senders come back (Zipf-like repetition), as real channel
traffic does. Run: ``python benchmarks/bench_normalize.py [--n 200000] [--seed 7]``.
"""

from __future__ import annotations

import argparse
import random
import time

import phonenumbers

from omnicontact import Normalizer
from omnicontact import _identifiers as identifiers_module


def distinct_phones(rng: random.Random, n: int) -> list[str]:
    formats = [
        lambda d: f"06 {d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}",
        lambda d: f"+33 (0)6 {d[0:2]}.{d[2:4]}.{d[4:6]}.{d[6:8]}",
        lambda d: f"00336{d}",
        lambda d: f"06{d}",
    ]
    found: list[str] = []
    while len(found) < n:
        digits = f"{rng.randrange(10**8):08d}"
        # Keep metropolitan mobiles only (some 06 ranges belong to overseas departments).
        if phonenumbers.is_valid_number(phonenumbers.parse("06" + digits, "FR")):
            found.append(rng.choice(formats)(digits))
    return found


def distinct_emails(rng: random.Random, n: int) -> list[str]:
    domains = ["example.fr", "Example.COM", "mail.example.org", "exämple.de"]
    return [f"User.{i}.{rng.randrange(10**6)}@{rng.choice(domains)}" for i in range(n)]


def stream(rng: random.Random, pool: list[str], n: int) -> list[str]:
    # Zipf-like: a few senders write very often, most rarely.
    weights = [1.0 / (rank + 1) for rank in range(len(pool))]
    return rng.choices(pool, weights=weights, k=n)


def clear_caches() -> None:
    identifiers_module._parse_phone.cache_clear()
    identifiers_module._parse_email.cache_clear()
    identifiers_module._CANONICAL_EMAILS.clear()
    identifiers_module._CANONICAL_PHONES.clear()


def rate(label: str, parse: object, values: list[str]) -> None:
    clear_caches()
    start = time.perf_counter()
    for value in values:
        parse(value)  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {len(values):>8} values  {len(values) / elapsed:>12,.0f} values/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200_000, help="values per stream")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"seed={args.seed} phonenumbers={phonenumbers.__version__}")
    normalize = Normalizer(default_region="FR")
    phones = distinct_phones(rng, 20_000)
    emails = distinct_emails(rng, 20_000)
    rate("phones, distinct (cold cache)", normalize.phone, phones)
    rate("emails, distinct (cold cache)", normalize.email, emails)
    rate(
        "phones, stream of 5,000 repeat callers",
        normalize.phone,
        stream(rng, phones[:5_000], args.n),
    )
    rate(
        "emails, stream of 5,000 repeat senders",
        normalize.email,
        stream(rng, emails[:5_000], args.n),
    )


if __name__ == "__main__":
    main()
