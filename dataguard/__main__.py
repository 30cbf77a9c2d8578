"""``python -m dataguard``: the command line."""

from dataguard.cli import main

raise SystemExit(main())
