"""The demo is built in ordered steps; each app's builder module adds its own.

A builder module exposes ``STEPS`` (``Step``s, run in order, each ``build(ctx) -> summary``)
and ``flush()`` (deletes what its steps create, run in reverse module order). To grow the demo
(indicators, points, inspections…), add a module here and append it to ``MODULES`` after the
modules it reads from.
"""

from chuangcheng.demo.builders import campaign, citizens, inspections, org, problems, scoring
from chuangcheng.demo.builders.base import Step

MODULES = [org, campaign, inspections, problems, citizens, scoring]

STEPS: list[Step] = [step for module in MODULES for step in module.STEPS]


def module_name(module) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def steps_up_to(name: str | None) -> list[Step]:
    """The steps of the modules up to and including ``name`` (all when None): a part of the demo
    for tests and quick looks that need only the organisation, say."""
    if name is None:
        return STEPS
    names = [module_name(m) for m in MODULES]
    if name not in names:
        raise ValueError(name)
    return [step for module in MODULES[: names.index(name) + 1] for step in module.STEPS]


def flush_all() -> None:
    """Delete all demo-able data, later modules first (they point at the earlier ones' rows)."""
    for module in reversed(MODULES):
        module.flush()


__all__ = ["MODULES", "STEPS", "Step", "flush_all", "module_name", "steps_up_to"]
