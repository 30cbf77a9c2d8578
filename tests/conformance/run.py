"""``python -m tests.conformance.run``: the conformance corpus, summed up as ``N passed, M failed``.

Prints each case dataguard does not pass with the reason first; ``-q`` prints only the count.
"""

from __future__ import annotations

import sys

from tests.conformance.harness import main

if __name__ == "__main__":
    sys.exit(main())
