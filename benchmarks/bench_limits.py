"""What the capped inputs cost now: CPU seconds to refuse each, and to read the largest allowed.

Before the caps: a 1 MB digit string as a date of birth took 35 s, 300,000 characters of
connector time text 2.8 s, an 800 KB folded email header 6 s, and ``FREQ=SECONDLY`` as a
holiday rule ran for minutes. Run: ``python benchmarks/bench_limits.py``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from omnicontact import Normalizer
from omnicontact.connectors import EmailConnector, FieldMapping, JsonConnector
from omnicontact.exceptions import OmnicontactError
from omnicontact.routing import BusinessCalendar

EMAIL = b"From: a@example.fr\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n"


def cpu_seconds(call: Callable[[], object]) -> tuple[float, str]:
    started = time.process_time()
    try:
        call()
        outcome = "accepted"
    except OmnicontactError as error:
        outcome = f"refused ({type(error).__name__})"
    return time.process_time() - started, outcome


def folded(header: bytes, size: int) -> bytes:
    line = b"x@example.fr,\r\n "
    return header + b": " + line * (size // len(line)) + b"x@example.fr\r\n"


def main() -> None:
    normalizer = Normalizer()
    json = JsonConnector(channel="sms", mapping=FieldMapping(occurred_at="t", source_id="id"))
    email = EmailConnector()
    august = BusinessCalendar(weekly={}, holiday_rules=["FREQ=DAILY;BYMONTH=8"])
    far = dt.date(9999, 8, 3)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("date of birth, 1 MB of digits", lambda: normalizer.date_of_birth("1" * 1_000_000)),
        ("date of birth, 64 characters", lambda: normalizer.date_of_birth("1 " * 32)),
        (
            "JSON time, 300,000 characters",
            lambda: json.to_contacts({"id": "x", "t": "1" * 300_000}),
        ),
        ("JSON time, 100 characters", lambda: json.to_contacts({"id": "x", "t": "1 " * 50})),
        ("email To:, 800 KB folded", lambda: email.to_contacts(folded(b"To", 800_000) + EMAIL)),
        ("email To:, 32 KB folded", lambda: email.to_contacts(folded(b"To", 32_000) + EMAIL)),
        (
            "holiday rule FREQ=SECONDLY",
            lambda: BusinessCalendar(weekly={}, holiday_rules=["FREQ=SECONDLY"]),
        ),
        ("holiday rule DAILY in August, the year 9999", lambda: august.is_holiday(far)),
        (
            "holiday rule never matching (DAILY, 30 February)",
            lambda: BusinessCalendar(
                weekly={}, holiday_rules=["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"]
            ),
        ),
    ]
    for name, call in cases:
        seconds, outcome = cpu_seconds(call)
        print(f"{name:<50} {seconds:8.3f} s CPU  {outcome}")


if __name__ == "__main__":
    main()
