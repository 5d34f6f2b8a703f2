"""`python -m pipelines.cli ...` runs the `marsad` command line."""
import sys

from pipelines.cli import main

sys.exit(main())
