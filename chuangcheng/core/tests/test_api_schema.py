"""The OpenAPI schema at /api/schema/ describes every endpoint without warnings."""

import yaml
from django.core.management import call_command


def test_schema_is_valid_and_lists_the_scoped_endpoints(tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    for expected in (
        "/api/org/units/",
        "/api/indicators/systems/",
        "/api/indicators/indicators/",
        "/api/indicators/check-items/",
        "/api/indicators/point-types/",
        "/api/indicators/metrics/",
        "/api/indicators/metric-values/",
        "/api/points/points/",
    ):
        assert expected in paths
