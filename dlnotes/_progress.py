"""A progress bar for training loops, off by default (and written to stdout, not stderr)."""

from __future__ import annotations

import sys

from tqdm import tqdm


def iterations(num_iterations: int, *, progress: bool = False, desc: str = "training"):
    """``range(num_iterations)``, with a progress bar when ``progress`` is true."""
    if not progress:
        return range(num_iterations)
    return tqdm(range(num_iterations), desc=desc, file=sys.stdout, leave=False)
