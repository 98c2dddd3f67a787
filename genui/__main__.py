"""Allow ``python -m genui``."""

import sys

from genui.cli import main

sys.exit(main())
