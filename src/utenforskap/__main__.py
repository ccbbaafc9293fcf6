"""``python -m utenforskap``."""

import sys

from utenforskap.cli import main

sys.exit(main())
