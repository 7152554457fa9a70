"""``python -m processor``: the command line (:mod:`processor.serve.cli`)."""

import sys

from processor.serve.cli import main

if __name__ == "__main__":
    sys.exit(main())
