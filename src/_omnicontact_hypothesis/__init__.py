"""The ``hypothesis`` entry point of omnicontact, kept outside the package so it stays light.

Hypothesis calls :func:`_hypothesis_setup_hook` every time it is imported. Importing
``omnicontact`` for it would slow down every test run of every project that merely has
omnicontact installed, so the hook imports nothing: it registers omnicontact's strategies
at once only when omnicontact is already imported, and otherwise leaves a note that
omnicontact reads at the end of its own import (``st.from_type`` needs the type object,
so nobody can ask for an omnicontact type before that).
"""

from __future__ import annotations

import sys

__all__: list[str] = []

called = False
"""Whether Hypothesis has run the hook in this process."""


def _hypothesis_setup_hook() -> None:
    """Register omnicontact's strategies now if omnicontact is imported, else when it is."""
    global called
    called = True
    # omnicontact imports its plug-in module last: once it is there, the package is whole.
    plugin = sys.modules.get("omnicontact._hypothesis_plugin")
    if plugin is not None:
        plugin.register()
