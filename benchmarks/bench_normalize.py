"""Normalization throughput for phones, emails and postal addresses.

Prints values per second for: distinct raw values (every value parsed once, cache cold), a
stream of contacts in which senders come back (Zipf-like repetition), as real channel
traffic does, and distinct postal addresses of four countries made into their matching key
(``street_key``, ``postal_code_key``, ``locality_key`` and ``key``: what the resolver reads),
as a batch of a million addresses would be.
Rates are in CPU time; the address rate is the fastest of ``--repeat`` runs.
Run: ``python benchmarks/bench_normalize.py [--n 200000] [--seed 7] [--repeat 3]
[--only addresses]``.
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

import phonenumbers

from omnicontact import Normalizer, _text
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


_STREETS = {
    "US": (
        ["Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park"],
        ["St", "Street", "Ave", "Avenue", "Blvd", "Rd", "Dr", "Ln", "Ct", "Pkwy", "Cir", "Way"],
        ["", "", "N ", "S ", "E ", "W ", "North "],
        ["", "", "", " Apt 4", " Ste 200", " #12", " NW"],
    ),
    "FR": (
        ["Pasteur", "Victor Hugo", "de la Paix", "des Lilas", "Jean Jaurès", "du Moulin"],
        ["rue", "r.", "avenue", "av.", "bd", "boulevard", "place", "pl.", "chemin", "imp."],
        ["", "", "", "bis "],
        ["", "", "", "\nBâtiment B"],
    ),
    "DE": (
        ["Haupt", "Bahnhof", "Schiller", "Goethe", "Berliner ", "Kirch", "Garten", "Linden"],
        ["straße", "str.", "strasse", "platz", "weg", "allee", "gasse"],
        ["", ""],
        ["", "", "", "\nHinterhaus"],
    ),
    "GB": (
        ["High", "Church", "Station", "Victoria", "Green", "Manor", "Park", "Queens"],
        ["Road", "Rd", "Street", "St", "Lane", "Close", "Cl", "Crescent", "Cres", "Gdns"],
        ["", "", "Flat 2, "],
        ["", "", ""],
    ),
}


def distinct_addresses(rng: random.Random, n: int) -> list[tuple[str, str, str, str]]:
    """``n`` (lines, postal code, locality, country) of four countries, each one distinct."""
    found = []
    for i in range(n):
        country = ("US", "FR", "DE", "GB")[i % 4]
        names, suffixes, prefixes, extras = _STREETS[country]
        number = rng.randrange(1, 400)
        name, suffix = rng.choice(names), rng.choice(suffixes)
        prefix, extra = rng.choice(prefixes), rng.choice(extras)
        if country == "US":
            street = f"{number} {prefix}{name} {suffix}{extra}"
        elif country == "FR":
            street = f"{number} {prefix}{suffix} {name}{extra}"
        elif country == "DE":
            street = f"{name}{suffix} {number}{extra}"
        else:
            street = f"{prefix}{number} {name} {suffix}"
        # the counter keeps every address (and every folded text) distinct: a cold batch
        found.append((f"{street} {i}", f"{rng.randrange(10000, 99999)}", "Springfield", country))
    return found


def address_keys(normalize: Normalizer) -> object:
    def run(parts: tuple[str, str, str, str]) -> object:
        lines, postal_code, locality, country = parts
        address = normalize.address(
            lines=lines, postal_code=postal_code, locality=locality, country=country
        )
        return (address.street_key, address.postal_code_key, address.locality_key, address.key)

    return run


def stream(rng: random.Random, pool: list[str], n: int) -> list[str]:
    # Zipf-like: a few senders write very often, most rarely.
    weights = [1.0 / (rank + 1) for rank in range(len(pool))]
    return rng.choices(pool, weights=weights, k=n)


def clear_caches() -> None:
    _text.fold.cache_clear()
    identifiers_module._parse_phone.cache_clear()
    identifiers_module._parse_email.cache_clear()
    identifiers_module._CANONICAL_EMAILS.clear()
    identifiers_module._CANONICAL_PHONES.clear()


def rate(label: str, parse: object, values: list[Any], repeat: int = 1) -> None:
    """Print the rate of the fastest of ``repeat`` runs (each with cold parse caches), in
    CPU time of this process: other work on a shared machine does not count."""
    elapsed = float("inf")
    for _ in range(repeat):
        clear_caches()
        start = time.process_time()
        for value in values:
            parse(value)  # type: ignore[operator]
        elapsed = min(elapsed, time.process_time() - start)
    print(f"{label:<48} {len(values):>8} values  {len(values) / elapsed:>12,.0f} values/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200_000, help="values per stream")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat", type=int, default=3, help="address runs; the fastest is printed"
    )
    parser.add_argument(
        "--only", choices=["phones-emails", "addresses"], help="run one part of the benchmark"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"seed={args.seed} phonenumbers={phonenumbers.__version__}")
    normalize = Normalizer(default_region="FR")
    if args.only != "phones-emails":
        addresses = distinct_addresses(random.Random(args.seed), args.n)
        label = "addresses (US FR DE GB), distinct, to keys"
        rate(label, address_keys(normalize), addresses, repeat=args.repeat)
    if args.only == "addresses":
        return
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
