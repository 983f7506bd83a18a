"""Hypothesis profiles: "ci" (the default) is derandomized so every run tries the same examples;
HYPOTHESIS_PROFILE=explore searches afresh with more examples when hunting for new failures."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# deadline=None: the machine is shared and noisy; time bounds are asserted where they matter.
# function_scoped_fixture: the dispatcher tests deliberately share one bot across examples.
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
settings.register_profile("ci", derandomize=True, database=None, **_COMMON)
settings.register_profile("explore", max_examples=500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
