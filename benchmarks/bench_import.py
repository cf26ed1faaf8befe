"""How long ``import hypothesis`` takes with omnicontact installed, and what it imports.

Hypothesis runs every installed plug-in's entry point when it is imported. omnicontact's
hook (:mod:`_omnicontact_hypothesis`) imports nothing unless omnicontact is already
imported, so a project that merely has omnicontact installed pays nothing for it. Each
measure is a fresh interpreter; the figure is the median of ``--runs`` runs, with the
plug-ins on and off (``HYPOTHESIS_NO_PLUGINS=1``).

    python benchmarks/bench_import.py --runs 9
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

_CODE = """
import json, sys, time
start = time.perf_counter()
import hypothesis
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "omnicontact": "omnicontact" in sys.modules,
                  "phonenumbers": "phonenumbers" in sys.modules}))
"""


def _measure(plugins: bool) -> dict[str, object]:
    env = dict(os.environ)
    env.pop("HYPOTHESIS_NO_PLUGINS", None)
    if not plugins:
        env["HYPOTHESIS_NO_PLUGINS"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", _CODE], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    for plugins in (True, False):
        results = [_measure(plugins) for _ in range(runs)]
        seconds = statistics.median(float(str(r["seconds"])) for r in results)
        label = "plug-ins on " if plugins else "plug-ins off"
        print(
            f"import hypothesis, {label}: {seconds:.3f} s median of {runs}; "
            f"imports omnicontact: {results[0]['omnicontact']}, "
            f"phonenumbers: {results[0]['phonenumbers']}"
        )


if __name__ == "__main__":
    main()
