"""`python -m e2a_desktop` is `e2a`."""

import sys

from .cli import main

sys.exit(main())
