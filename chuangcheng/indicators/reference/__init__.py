"""Reference content shipped with the product: the four titles' assessment systems at county
level (县级), the point types with their checklists, and the metrics, as Python data.

``load_reference`` (in ``loader``) validates it and writes it into a campaign area; the
``load_reference`` management command and the demo call it. ``sources()`` reads the modules'
data at call time, so a test can patch any of it.
"""

from chuangcheng.indicators.reference import civilised, forest, garden, metrics, point_types, sanitary

SYSTEM_MODULES = [civilised, sanitary, forest, garden]


def sources() -> dict:
    """The reference data with the file each part comes from (for precise error messages)."""
    return {
        "systems": [(f"{module.__name__.rsplit('.', 1)[-1]}.py", module.SYSTEM) for module in SYSTEM_MODULES],
        "point_types": ("point_types.py", point_types.POINT_TYPES),
        "metrics": ("metrics.py", metrics.METRICS),
    }
