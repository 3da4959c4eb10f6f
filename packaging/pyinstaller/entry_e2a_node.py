"""Frozen entry point of `e2a-node`."""

import sys

from e2a_node.cli import main

sys.exit(main())
