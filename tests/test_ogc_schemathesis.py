"""Schemathesis against /ogc/api on the Flask app (WSGI), bounded: every
operation, positive and negative examples, zero failures — the OpenAPI document and the
service's behaviour agree (statuses, content types, response schemas, 400 on schema-invalid
input, 2xx on schema-valid input).

One harness setting, not an exemption of the service: ``Accept-Encoding: identity`` (the
WSGI transport does not gunzip, as every HTTP client does). Every check runs, the
``unsupported_method`` one included (405 answers keep Werkzeug's ``Allow`` header).
"""

from __future__ import annotations

import os
import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from webmap import create_app

# Built at import (schemathesis parametrizes at collection time): an app on its own SQLite
# file in a temporary directory removed when the test process ends, with one published
# dataset so the generic /collections/{collectionId} paths have a collection to find.
_DIRECTORY = tempfile.TemporaryDirectory(prefix="jjj-schemathesis-")


def _schema():
    from test_datasets import county_csv, publish_csv

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{_DIRECTORY.name}/a.sqlite3"})
    created = publish_csv(app.test_client(), county_csv(rows=20), title_en="Beds", source="t")
    assert created.status_code == 201, created.get_data(as_text=True)
    return schemathesis.openapi.from_wsgi("/ogc/api", app)


# ``filter`` is a CQL2 expression (OGC API Features Part 3): a string format no schema can
# spell out, so the valid examples come from here (every collection has a geometry).
schemathesis.openapi.format(
    "cql2-text",
    st.sampled_from(
        [
            "S_INTERSECTS(geometry, BBOX(115.0, 38.0, 118.0, 41.0))",
            "NOT S_INTERSECTS(geometry, POINT(0 0))",
            "S_INTERSECTS(geometry, POLYGON((116 39, 117 39, 117 40, 116 39)))",
        ]
    ),
)
schema = _schema()


@schema.parametrize()
@settings(
    # Bounded for the suite; JJJ_SCHEMATHESIS_EXAMPLES=200 for a longer run.
    max_examples=int(os.environ.get("JJJ_SCHEMATHESIS_EXAMPLES", "5")),
    deadline=None,
    derandomize=True,  # the same examples every run: CI cannot flake on a new draw
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_ogc_api_agrees_with_its_openapi_document(case):
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
