"""`python -m kubemedic.sim`."""

import sys

from kubemedic.sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
