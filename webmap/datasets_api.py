"""The JSON API of user datasets (``/api/datasets``): publish, read, replace, new token,
delete. The views hang on :data:`webmap.datasets.api_bp`; the upload check and the
publication they share are in :mod:`webmap.datasets`.
"""

from __future__ import annotations

import json

from flask import (
    jsonify,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from geo.sources import datasets as ds
from geo.sources import link_tables as lt
from geo.sources import point_tables as pt
from geo.store import VersionRecord

from . import catalogue, moderation
from .dataset_urls import dataset_links as _links
from .datasets import (
    _bearer_token,
    _carried_options,
    _check,
    _database_url,
    _kind_of,
    _publish,
    _store,
    _upload_from_request,
    _version,
    api_bp,
    manage_url,
)


@api_bp.post("")
def create():
    """Publish a table: multipart ``file`` (or ``text``), ``level``, ``key_column``,
    ``title``/``title_zh``/``title_en`` and optional metadata → 201 with the edit token.
    ``dry_run=1`` only checks (200 with the report)."""
    data, filename, pasted = _upload_from_request()
    checked = _check(data, filename, pasted, request.values)
    if request.values.get("dry_run") in ("1", "true", "yes"):
        return jsonify({"report": checked.report()})
    moderation.check_publish_allowed(len(data))
    published = _publish(checked, data, filename, request.values)
    dataset_id, version = published.dataset.id, published.version.version
    kind = _kind_of(published.version)
    body = {
        "id": dataset_id,
        "kind": kind,
        "version": version,
        "url": url_for("datasets.dataset_page", dataset_id=dataset_id, _external=True),
        "version_url": url_for(
            "datasets.version_page", dataset_id=dataset_id, version=version, _external=True
        ),
        "edit_token": published.edit_token,
        "manage_url": manage_url(dataset_id, published.edit_token),
        "report": published.version.report,
        "links": _links(dataset_id, version, kind),
    }
    headers = {"Location": body["url"], "Cache-Control": "no-store"}
    return jsonify(body), 201, headers


@api_bp.get("")
def catalog():
    """One page of the catalogue (``q``, ``level``, ``kind``, ``licence``, ``sort``,
    ``limit``, ``offset``: :mod:`webmap.catalogue`)."""
    return catalogue.api_list()


@api_bp.get("/<dataset_id>")
def dataset(dataset_id: str):
    """A version (``?v=N``, default the latest): metadata, values by unit, report, links."""
    version = _version(dataset_id, request.args.get("v"))
    record = _store().dataset(dataset_id)
    kind = _kind_of(version)
    info = ds.dataset_dict(version)
    if kind == "links":
        info["links_table"] = version.metadata.get("links", {})
        info["link_count"] = len(version.table.get("links", []))
    if kind == "points":
        info["points_table"] = version.metadata.get("points", {})
        info["point_count"] = len(version.table.get("points", []))
    return jsonify(
        {
            **info,
            "kind": kind,
            "latest_version": record.latest_version,
            "versions": _store().versions(dataset_id),
            "values": version.values,
            # Columns with years: {column: {year: {adcode: value}}} ("values": the latest).
            "values_by_year": version.series,
            "report": version.report,
            "links": _links(dataset_id, version.version, kind),
        }
    )


@api_bp.put("/<dataset_id>")
def replace(dataset_id: str):
    """A new file → the next version (``Authorization: Bearer <edit_token>``)."""
    token = _bearer_token()
    _store().check_token(dataset_id, token)  # 403 before reading the upload
    latest = _store().version(dataset_id)
    existing = _kind_of(latest)
    data, filename, pasted = _upload_from_request()
    values = request.values
    if not data.strip() and existing in ("values", "points"):
        # No file: a metadata edit. The latest file is checked again with the options it
        # was published with (the request may change them) and becomes the next version.
        data, filename, values = _latest_upload(latest, request.values)
        pasted = latest.file_format == "paste"
    else:
        values = _carried_options(latest, request.values)
    checked = _check(data, filename, pasted, values, existing)
    moderation.check_publish_allowed(len(data))
    replace_with = ds.replace
    if isinstance(checked, lt.CheckedLinks):
        replace_with = lt.replace_links
    elif isinstance(checked, pt.CheckedPoints):
        replace_with = pt.replace_points
    published = replace_with(_database_url(), dataset_id, token, checked, data, filename, values)
    version = published.version.version
    kind = _kind_of(published.version)
    return jsonify(
        {
            "id": dataset_id,
            "version": version,
            "url": url_for(
                "datasets.version_page", dataset_id=dataset_id, version=version, _external=True
            ),
            "kind": kind,
            "created_at": published.version.created_at,
            "report": published.version.report,
            "links": _links(dataset_id, version, kind),
        }
    )


def _latest_upload(latest: VersionRecord, values) -> tuple[bytes, str, MultiDict]:
    """The latest version's file and its check options, under the request's values."""
    data = _store().original(latest.dataset_id, latest.version)
    options = latest.metadata.get("check") or {
        "level": latest.level,
        "key_column": latest.key_column,
        "value_columns": list(latest.values),
    }
    merged = MultiDict()
    for name, value in options.items():
        if name == "value_columns":
            merged.setlist(name, list(value or []))
        elif name == "matches":
            merged[name] = json.dumps(value or {}, ensure_ascii=False)
        elif name == "wide_years":
            merged[name] = "1" if value else ""
        elif value is not None:
            merged[name] = str(value)
    for name in values:
        merged.setlist(name, values.getlist(name))
    filename = "" if latest.file_format == "paste" else latest.filename
    return data, filename, merged


@api_bp.post("/<dataset_id>/token")
def new_token(dataset_id: str):
    """A new edit token (``Authorization: Bearer <edit_token>``); the old one stops working."""
    token = _store().replace_token(dataset_id, _bearer_token())
    body = {"id": dataset_id, "edit_token": token, "manage_url": manage_url(dataset_id, token)}
    return jsonify(body), 200, {"Cache-Control": "no-store"}


@api_bp.delete("/<dataset_id>")
def delete(dataset_id: str):
    record = _store().delete(dataset_id, _bearer_token())
    return jsonify(
        {
            "id": record.id,
            "title_zh": record.title_zh,
            "title_en": record.title_en,
            "deleted_at": record.deleted_at,
        }
    )
