"""``python -m utenforskap``."""

import sys

from utenforskap.job.cli import main

sys.exit(main())
