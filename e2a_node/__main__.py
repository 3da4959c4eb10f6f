"""`python -m e2a_node` is `e2a-node`."""

import sys

from .cli import main

sys.exit(main())
