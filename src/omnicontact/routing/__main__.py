"""``python -m omnicontact.routing replay POLICY CONTACTS [--compare OTHER] [--json]``."""

from __future__ import annotations

import sys

from ._cli import main

sys.exit(main())
