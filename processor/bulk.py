"""``python -m processor.bulk``: bulk recognition on Ray Data (:mod:`processor.serve.bulk`)."""

from __future__ import annotations

import sys

from .serve.bulk import main

if __name__ == "__main__":
    sys.exit(main())
