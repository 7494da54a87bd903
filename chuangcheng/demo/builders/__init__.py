"""The demo is built in ordered steps; each app's builder module adds its own.

A builder module exposes ``STEPS`` (``Step``s, run in order, each ``build(ctx) -> summary``)
and ``flush()`` (deletes what its steps create, run in reverse module order). To grow the demo
(indicators, points, inspections…), add a module here and append it to ``MODULES`` after the
modules it reads from.
"""

from chuangcheng.demo.builders import campaign, org
from chuangcheng.demo.builders.base import Step

MODULES = [org, campaign]

STEPS: list[Step] = [step for module in MODULES for step in module.STEPS]


def flush_all() -> None:
    """Delete all demo-able data, later modules first (they point at the earlier ones' rows)."""
    for module in reversed(MODULES):
        module.flush()


__all__ = ["MODULES", "STEPS", "Step", "flush_all"]
