"""``python -m omnicontact``: the ``omnicontact`` command."""

import sys

from .cli import main

sys.exit(main())
