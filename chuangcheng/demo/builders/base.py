from collections.abc import Callable
from dataclasses import dataclass

from chuangcheng.demo.context import DemoContext


@dataclass(frozen=True)
class Step:
    """One step of the demo: ``build(ctx)`` creates rows and returns a short summary ("48 个单位")."""

    label: str
    build: Callable[[DemoContext], str]
