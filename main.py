"""Run EL Console from a source checkout: ``python main.py``."""

import sys

from elconsole.app import main

if __name__ == "__main__":
    sys.exit(main())
