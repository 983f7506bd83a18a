"""Hypothesis profiles: "ci" (the default) is derandomized so every run tries the same examples;
HYPOTHESIS_PROFILE=explore draws new examples on every run (and keeps failures in its example
database) when hunting for new failures. Each test sets its own modest example count."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# deadline=None: the machine is shared and noisy; time bounds are asserted where they matter.
# function_scoped_fixture: the dispatcher tests deliberately share one bot across examples.
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
settings.register_profile("ci", derandomize=True, database=None, **_COMMON)
settings.register_profile("explore", **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
