"""Timed, screenshotted steps of a browser session (artifacts in ``test-artifacts/browser/``,
gitignored)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from graders.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"


@dataclass
class Steps:
    """Times each step of a browser session and saves a screenshot after it."""

    name: str
    page: object
    times: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def run(self, step: str, action):
        start = time.perf_counter()
        try:
            return action()
        finally:  # a screenshot of a failed step is the most useful one
            self.times[step] = round(time.perf_counter() - start, 2)
            shot = ARTIFACTS / f"{self.name}-{len(self.times):02d}-{step}.png"
            self.page.screenshot(path=str(shot))

    def save(self, **extra) -> None:
        record = {"steps_seconds": self.times, **extra}
        (ARTIFACTS / f"{self.name}-times.json").write_text(json.dumps(record, indent=1))
