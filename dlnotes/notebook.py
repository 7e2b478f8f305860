"""What the chapter notebooks import besides numpy: ``FAST`` and ``show()``.

nbgrader sets ``NBGRADER_EXECUTION`` while it runs a notebook (Validate, autograde). Then
``FAST`` is true, the chapters' demonstrations run shorter, and ``show()`` closes the
figures instead of drawing them: nobody sees them while grading.

matplotlib is imported inside ``show()`` only, so importing this module costs nothing
and works where matplotlib is absent or replaced by a stand-in.
"""

from __future__ import annotations

import os

FAST: bool = "NBGRADER_EXECUTION" in os.environ


def show() -> None:
    """Draw the figures made so far (close them instead while nbgrader grades)."""
    import matplotlib.pyplot as plt

    if FAST:
        plt.close("all")
    else:
        plt.show()
