"""genui's test-suite. Hypothesis profiles are chosen with GENUI_HYPOTHESIS_PROFILE.

``default`` (``make test``) runs hundreds of examples per property; ``fuzz``
(``make fuzz``) runs thousands. Tests that ask for more than the default use
:func:`examples`, which scales with the profile.
"""

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("GENUI_HYPOTHESIS_PROFILE", "default")
FUZZ_FACTOR = 25 if PROFILE == "fuzz" else 1

settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=200 * 25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """``count`` examples in the default profile, scaled up under ``make fuzz``."""
    return count * FUZZ_FACTOR
