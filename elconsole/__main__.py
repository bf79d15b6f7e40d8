"""Allow ``python -m elconsole``."""

import sys

from elconsole.app import main

sys.exit(main())
