"""The real parts some tests drive (Chromium, Virtuoso), installed by .ci/install-real-parts.

Where a part is missing the test skips, naming the part and why; when the environment
variable CI is set it fails instead, since CI installs every part and a skip there would
hide a test that never ran.
"""

from __future__ import annotations

import os
import shutil

import pytest


def need(part: str, *commands: str) -> str:
    """The path of the first command found; otherwise a skip (a failure under CI)."""
    for command in commands:
        found = shutil.which(command)
        if found:
            return found
    reason = (f"{part} is not installed ({' or '.join(commands)} not found); "
              ".ci/install-real-parts installs it as root where apt-get exists")
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so {reason}")
    pytest.skip(reason)
