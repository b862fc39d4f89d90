"""The OpenAPI document (``/ogc/api``) lists every error the operations answer, the 414 of a
URL over the limit (webmap.url_limit) included, and the server answers it as documented."""

from __future__ import annotations

from webmap.url_limit import MAX_URL_BYTES


def test_every_operation_documents_the_414(client):
    document = client.get("/ogc/api").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert "414" in operation["responses"], (method, path)
            assert operation["responses"]["414"]["content"]
    long_url = "/ogc/collections/county/items?lang=" + "x" * MAX_URL_BYTES
    answer = client.get(long_url)
    assert answer.status_code == 414 and answer.get_json()["code"] == "URITooLong"  # OGC errors
