"""User datasets: upload → check → publish pages, dataset pages, and the JSON API.

Thin: reading, joining, parsing and storing are :mod:`geo.sources.datasets` and :mod:`geo.store`;
this module maps requests to them. Uploads here may be up to 5 MB (the rest of the app,
``/api/join`` included, keeps the app-wide ``MAX_CONTENT_LENGTH``).
"""

from __future__ import annotations

import hmac
import json
import secrets
from urllib.parse import urlparse

from flask import (
    Blueprint,
    current_app,
    g,
    has_request_context,
    jsonify,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from geo.analysis.classify import DIVERGING_PALETTES, K_RANGE, PALETTES, SCHEMES
from geo.errors import BadParameter, Forbidden, TooLarge, Unauthorized, message_in
from geo.i18n import DEFAULT_LANG, check_lang, text
from geo.levels import LEVELS
from geo.maps.mapspec import CHANGE_MODES, choropleth_spec
from geo.sources import datasets as ds
from geo.sources import link_tables as lt
from geo.sources import point_tables as pt
from geo.sources.limits import check_file_name, check_no_nul, check_value_columns
from geo.sources.uploads import MAX_BYTES, MAX_ROWS, read_upload
from geo.store import VersionRecord, store_for
from geo.store.limits import StoreFull, TooManyPublishes

from . import catalogue, maps, moderation, views
from .caching import first_value, send_cached
from .dataset_urls import dataset_links as _links

bp = Blueprint("datasets", __name__, url_prefix="/datasets")
api_bp = Blueprint("datasets_api", __name__, url_prefix="/api/datasets")

#: Room for the multipart envelope and the metadata fields around a 5 MB file.
FORM_OVERHEAD = 256 * 1024
CSRF_COOKIE = "atlas_csrf"
#: Form fields that carry metadata (the per-column unit:/year: fields come on top).
METADATA_FIELDS = ("title_zh", "title_en", "description", "source", "source_url", "licence")


def requested_dataset_state() -> str:
    """A version source for the response cache (:func:`geo.version.register_version_source`):
    the current state of the dataset a request names — ``<id>:<latest version>:<live|deleted>``
    — or ``""`` for requests that name none (they pay no database query).

    Map pages and embeds are cached by URL; a URL without ``v=`` shows the latest version, so
    its key must change with every publish, replace or delete, in every worker and server.
    """
    if not has_request_context():
        return ""
    # The raw query string, parsed once per distinct URL (this runs on every request).
    query = request.environ.get("QUERY_STRING", "")
    dataset_id = (first_value(query, "dataset") if "dataset" in query else None) or (
        request.view_args or {}
    ).get("dataset_id")
    # Point datasets drawn over a map: points=dataset:ID[@v] (comma-separated tokens).
    drawn = []
    if "dataset%3A" in query or "dataset:" in query:
        for token in (first_value(query, "points") or "").split(","):
            token = token.strip()
            if token.startswith("dataset:"):
                drawn.append(token[len("dataset:") :].split("@")[0])
    # An id holding NUL is refused with a 400 (webmap.errors.refuse_nul): no state.
    ids = [i for i in dict.fromkeys([dataset_id, *drawn]) if i and "\x00" not in i]
    return "|".join(_state_of(i) for i in ids)


def _state_of(dataset_id: str) -> str:
    state = _store().state(dataset_id)
    if state is None:
        return f"{dataset_id}:unknown"
    latest, deleted_at = state
    return f"{dataset_id}:{latest}:{'deleted' if deleted_at else 'live'}"


def _store():
    return store_for(current_app.config["DATABASE_URL"])


def _database_url() -> str:
    return current_app.config["DATABASE_URL"]


@bp.before_request
@api_bp.before_request
def _upload_limits():
    request.max_content_length = MAX_BYTES + FORM_OVERHEAD
    request.max_form_memory_size = MAX_BYTES + FORM_OVERHEAD  # pasted text is a form field
    if request.method in ("POST", "PUT"):  # NUL in a title, a field or a file name: 400
        check_no_nul({**request.form.to_dict(flat=False), **_file_names()})
        for field, name in _file_names().items():
            check_file_name(field, name)


def _file_names() -> dict[str, str]:
    return {f"{name} (file name)": f.filename or "" for name, f in request.files.items()}


def _lang() -> str:
    return check_lang(request.values.get("lang") or DEFAULT_LANG)


def _value_columns(values) -> list[str] | None:
    chosen = [c for c in values.getlist("value_columns") if c]
    if len(chosen) == 1 and "," in chosen[0] and chosen[0] not in request.values:
        chosen = [c.strip() for c in chosen[0].split(",") if c.strip()]
    return chosen or None


def _upload_from_request() -> tuple[bytes, str, bool]:
    """(bytes, file name, pasted?) from a multipart ``file``, a ``text`` field or a body."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(MAX_BYTES + 1), upload.filename, False
    text = request.form.get("text", "")
    if text.strip():
        return text.encode("utf-8"), "", True
    data = request.get_data(cache=False)[: MAX_BYTES + 1] if not request.form else b""
    return data, "", False


#: What a published table is: values by unit (a choropleth), links (from, to, weight) or
#: points (longitude, latitude).
KINDS = ("values", "links", "points")


def _wanted_kind(data: bytes, filename: str, pasted: bool, values, existing: str = "") -> str:
    """``kind=values|links|points``; otherwise a replaced dataset keeps its kind, and a new
    table is links when it has a from-like and a to-like column, points when it has
    longitude/latitude columns (by header and numeric range; the check then asks for the
    ``datum``), else values."""
    kind = (values.get("kind") or "").strip()
    if kind and kind not in (*KINDS, "auto"):
        raise BadParameter("kind", kind, [*KINDS, "auto"])
    if kind in KINDS:
        return kind
    if existing:
        return existing
    table = read_upload(data, filename, pasted=pasted).table
    if lt.looks_like_links(table):
        return "links"
    if pt.looks_like_points(table):
        return "points"
    return "values"


def _check(data: bytes, filename: str, pasted: bool, values, existing: str = ""):
    """The check of an upload: :class:`ds.CheckedUpload` (values by unit),
    :class:`lt.CheckedLinks` (a links table) or :class:`pt.CheckedPoints` (a point table)."""
    kind = _wanted_kind(data, filename, pasted, values, existing)
    if kind == "points":
        return pt.check_point_upload(
            data,
            filename,
            pasted=pasted,
            datum=values.get("datum") or None,
            level=values.get("level") or None,
            lon_column=values.get("lon_column") or None,
            lat_column=values.get("lat_column") or None,
            category_column=values.get("category_column") or None,
        )
    if kind == "links":
        return lt.check_link_upload(
            data,
            filename,
            pasted=pasted,
            level=values.get("level") or None,
            from_column=values.get("from_column") or None,
            to_column=values.get("to_column") or None,
            weight_column=values.get("weight_column") or None,
        )
    checked = ds.check_upload(
        data,
        filename,
        pasted=pasted,
        level=values.get("level") or None,
        key_column=values.get("key_column") or None,
        value_columns=_value_columns(values),
        year_column=values.get("year_column") or None,
        wide_years=_flag(values, "wide_years"),
        value_name=values.get("value_name") or None,
        matches=_matches(values),
    )
    check_value_columns(checked.value_columns)
    return checked


def _flag(values, name: str) -> bool:
    raw = (values.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise BadParameter(name, raw, ["1", "0"])


#: Form fields ``match:<cell text>`` carry the publisher's choice for one cell: an adcode,
#: ``-`` (leave the rows out) or nothing (undecided).
LEAVE_OUT = "-"


def _matches(values) -> dict[str, str | None]:
    """``matches`` (JSON object: cell text → adcode or null) plus the form's ``match:`` fields."""
    found = ds.parse_matches(values.get("matches"))
    for name, choice in values.items():
        if name.startswith("match:") and choice:
            found[name[len("match:") :].strip()] = None if choice == LEAVE_OUT else choice
    return found


def _publish(checked, data: bytes, filename: str, values):
    if isinstance(checked, lt.CheckedLinks):
        return lt.publish_links(_database_url(), checked, data, filename, values)
    if isinstance(checked, pt.CheckedPoints):
        return pt.publish_points(_database_url(), checked, data, filename, values)
    return ds.publish(_database_url(), checked, data, filename, values)


def _kind_of(version: VersionRecord) -> str:
    if lt.is_links(version):
        return "links"
    return "points" if pt.is_points(version) else "values"


def manage_url(dataset_id: str, token: str, lang: str | None = None) -> str:
    """The private link to a dataset's manage page: the token rides in the URL fragment,
    which browsers never send to a server (no access log, no Referer); the page's script
    sends it as ``Authorization: Bearer``."""
    page = url_for("datasets.manage", dataset_id=dataset_id, lang=lang or _lang(), _external=True)
    return f"{page}#token={token}"


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("this change needs the header Authorization: Bearer <edit_token>")
    return token.strip()


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


#: Check options a new file inherits from the version it follows unless the request names
#: them: the publisher's matches and year layout; a point table's datum and counting level.
CARRIED = {"values": ("matches", "wide_years", "value_name"), "points": ("datum", "level")}


def _carried_options(latest: VersionRecord, values) -> MultiDict:
    stored = latest.metadata.get("check") or {}
    merged = MultiDict()
    for name in CARRIED.get(_kind_of(latest), ()):
        value = stored.get(name)
        if name == "matches" and value:
            merged[name] = json.dumps(value, ensure_ascii=False)
        elif name == "wide_years" and value:
            merged[name] = "1"
        elif value not in (None, "", False, {}):
            merged[name] = str(value)
    for name in values:
        merged.setlist(name, values.getlist(name))
    return merged


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


def _version(dataset_id: str, version: str | int | None) -> VersionRecord:
    number = None
    if version not in (None, ""):
        if not (str(version).isascii() and str(version).isdigit()) or int(version) < 1:
            raise BadParameter("v", version, "a version number (1, 2, …)")
        number = int(version)
    return _store().version(dataset_id, number)


# --- pages -----------------------------------------------------------------------------


def _csrf_token() -> str:
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = g.new_csrf = secrets.token_urlsafe(24)
    return token


@bp.after_request
def _set_csrf_cookie(response):
    if "new_csrf" in g:
        response.set_cookie(
            CSRF_COOKIE, g.new_csrf, httponly=True, samesite="Strict", path="/datasets"
        )
    return response


def _check_csrf() -> None:
    """Double-submit token (cookie + form field), and no cross-origin form posts."""
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlparse(origin).netloc != request.host:
        raise Forbidden(
            f"form posted from another origin ({origin})", zh="表单来自其他网站，已拒绝。"
        )
    cookie = request.cookies.get(CSRF_COOKIE, "")
    field = request.form.get("csrf", "")
    if not cookie or not hmac.compare_digest(cookie.encode(), field.encode()):
        raise Forbidden(
            "the form is stale or was not sent by this site: reload the page",
            zh="表单已过期或并非由本站提交：请重新加载页面。",
        )


@bp.get("")
def index():
    """The catalogue page: search box, filters, one page of datasets (webmap.catalogue)."""
    return catalogue.html_list(_lang())


def _form_state(values) -> dict:
    state = {name: values.get(name, "") for name in (*METADATA_FIELDS, "text", "draft")}
    state["level"] = values.get("level", "")
    state["key_column"] = values.get("key_column", "")
    state["value_columns"] = values.getlist("value_columns")
    state["preview_column"] = values.get("preview_column", "")
    for name in ("year_column", "wide_years", "value_name", "datum", "lon_column", "lat_column"):
        state[name] = values.get(name, "")
    for name in ("category_column",):
        state[name] = values.get(name, "")
    for name in ("kind", "from_column", "to_column", "weight_column", "weight_unit"):
        state[name] = values.get(name, "")
    state["columns"] = {k: v for k, v in values.items() if k.startswith(("unit:", "year:"))}
    return state


def _render_new(lang: str, state: dict, status: int = 200, **context):
    return (
        render_template(
            "dataset_new.html",
            state=state,
            levels=LEVELS,
            csrf=_csrf_token(),
            max_bytes=MAX_BYTES,
            max_rows=MAX_ROWS,
            licences=ds.LICENCES,
            fmap=context["preview"]["fmap"] if context.get("preview") else None,
            **context,
            **views.template_globals(lang),
        ),
        status,
    )


@bp.get("/new")
def new():
    return _render_new(_lang(), _form_state(request.args))


def _preview(checked: ds.CheckedUpload, state: dict, lang: str):
    """The choropleth of one column of an unpublished upload (values sent inline); for a
    point table its points (:func:`webmap.point_preview.points_preview`)."""
    if isinstance(checked, pt.CheckedPoints):
        from .point_preview import points_preview

        return points_preview(checked, lang)
    if isinstance(checked, lt.CheckedLinks) or not checked.value_columns:
        return None
    column = state["preview_column"]
    if column not in checked.value_columns:
        column = checked.value_columns[0]
    try:
        metadata = ds.read_metadata(
            {**state, **state["columns"], "title_en": state["title_en"] or "Preview"},
            checked.value_columns,
        )
    except BadParameter:
        metadata = ds.read_metadata({"title_en": "Preview"}, checked.value_columns)
    record = VersionRecord(
        dataset_id="preview",
        version=0,
        created_at="",
        level=checked.level,
        key_column=checked.key_column,
        filename="",
        file_format=checked.upload.file_format,
        original_sha256="",
        original_size=0,
        metadata=metadata,
        table={},
        values={column: checked.values[column]},
        report={},
    )
    source = ds.DatasetColumn(record, column)
    spec = choropleth_spec({"lang": lang, "basemap": "none"}, current_app.config, source=source)
    fmap = maps.base_map(spec.basemap)
    options = spec.layer_options(url_for("downloads.regions_topojson", level=spec.level))
    options["values"] = {a: v for a, v in checked.values[column].items() if v is not None}
    maps.add_layer(fmap, "regions", options)
    return {"spec": spec, "fmap": maps.render(fmap), "column": column}


@bp.post("/new")
def new_post():
    """``action=check``: the report and a preview; ``action=publish``: publish it."""
    lang = _lang()
    state = _form_state(request.form)
    try:
        _check_csrf()
    except Forbidden as err:
        return _render_new(lang, state, 403, error=message_in(err, lang))
    checked = None
    try:
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            data, filename, pasted = upload.read(MAX_BYTES + 1), upload.filename, False
            if len(data) <= MAX_BYTES:
                state["draft"] = _store().save_draft(data, filename)
                state["text"] = ""
        elif state["text"].strip():
            data, filename, pasted = state["text"].encode("utf-8"), "", True
            state["draft"] = ""
        elif state["draft"] and (draft := _store().draft(state["draft"])) is not None:
            data, filename = draft
            pasted = False
        else:
            raise BadParameter("file", "none", "choose a file or paste a table")
        state["filename"] = filename
        checked = _check(data, filename, pasted, request.form)
        if request.form.get("action") == "publish":
            moderation.check_publish_allowed(len(data))
            published = _publish(checked, data, filename, request.form)
            if state["draft"]:
                _store().discard_draft(state["draft"])
            return (
                render_template(
                    "dataset_published.html",
                    published=published,
                    manage_url=manage_url(published.dataset.id, published.edit_token, lang),
                    links=_links(
                        published.dataset.id,
                        published.version.version,
                        _kind_of(published.version),
                    ),
                    **views.template_globals(lang),
                ),
                201,
                {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"},
            )
    except TooLarge as err:
        return _render_new(lang, state, 413, error=message_in(err, lang))
    except (TooManyPublishes, StoreFull) as err:
        status = 429 if isinstance(err, TooManyPublishes) else 507
        body, _ = _render_new(lang, state, status, error=message_in(err, lang))
        retry = {"Retry-After": str(err.retry_after)} if status == 429 else {}
        return body, status, retry
    except BadParameter as err:
        context = {"error": message_in(err, lang)}
        if checked is not None:  # a check that passed, a publish that did not
            context.update(report=checked.report(), preview=_preview(checked, state, lang))
        elif isinstance(err, pt.MissingDatum):  # a point table: ask for its datum
            from .point_preview import datum_question

            context["needs_datum"] = datum_question(data, filename, pasted)
            context["error"] = text("pub_choose_datum", lang)  # the form has the select
        return _render_new(lang, state, 400, **context)
    return _render_new(lang, state, report=checked.report(), preview=_preview(checked, state, lang))


@bp.post("/preview")
def preview():
    """The preview map alone (for an iframe on /datasets/new): the kept draft or pasted text
    checked with the form's options, no publish. The new-dataset page's script posts its
    form here when the column, level or year settings change, so the map follows without
    pressing "Check"."""
    lang = _lang()
    state = _form_state(request.form)
    status, context = 200, {}
    try:
        _check_csrf()
        upload = request.files.get("file")
        if upload is not None and upload.filename:  # a new version on the manage page
            data, filename, pasted = upload.read(MAX_BYTES + 1), upload.filename, False
        elif state["text"].strip():
            data, filename, pasted = state["text"].encode("utf-8"), "", True
        elif state["draft"] and (draft := _store().draft(state["draft"])) is not None:
            (data, filename), pasted = draft, False
        else:
            raise BadParameter("draft", state["draft"] or "none", "a checked upload")
        values, existing = request.form, ""
        if request.form.get("dataset"):  # checked as PUT /api/datasets/<id> will check it
            latest = _store().version(request.form["dataset"])
            values, existing = _carried_options(latest, request.form), _kind_of(latest)
        checked = _check(data, filename, pasted, values, existing)
        context["preview"] = _preview(checked, state, lang)
        if context["preview"] is None:
            raise BadParameter("value_columns", "", "at least one column of numbers")
    except (BadParameter, Forbidden, TooLarge) as err:
        status, context = 400, {"error": message_in(err, lang)}
    body = render_template(
        "dataset_preview.html",
        fmap=context["preview"]["fmap"] if context.get("preview") else None,
        **context,
        **views.template_globals(lang),
    )
    return body, status, {"Cache-Control": "no-store"}


def _links_dataset_page(dataset_id: str, version: VersionRecord, pinned: bool):
    """A links dataset's page: its links map (same page as /maps/links?dataset=…) with
    the versions, the original file and the check report."""
    from geo.maps import linkmap

    from .links import render_links

    lang = _lang()
    source = lt.link_source(_database_url(), dataset_id, str(version.version) if pinned else None)
    params = {"lang": lang, **{k: v for k, v in request.args.items() if k in ("level", "basemap")}}
    spec = linkmap.links_spec(params, current_app.config, source)
    return render_links(
        spec,
        embed=False,
        dataset_page={
            "record": _store().dataset(dataset_id),
            "version": version,
            "info": ds.dataset_dict(version),
            "pinned": pinned,
            "versions": _store().versions(dataset_id),
        },
    )


def _dataset_page(dataset_id: str, version: VersionRecord, pinned: bool):
    if lt.is_links(version):
        return _links_dataset_page(dataset_id, version, pinned)
    lang = _lang()
    record = _store().dataset(dataset_id)
    columns = list(version.values)
    column = request.args.get("column") or columns[0]
    params = {
        "dataset": dataset_id,
        "column": column,
        "lang": lang,
        "v": str(version.version),  # the map shows the version the table shows
        **{
            k: v
            for k, v in request.args.items()
            if k in ("scheme", "k", "palette", "basemap", "year", "compare", "change")
        },
    }
    spec = choropleth_spec(params, current_app.config)
    time = {k: v for k, v in spec.query().items() if k in ("year", "compare", "change")}
    fmap = maps.base_map(spec.basemap)
    maps.add_layer(
        fmap,
        "regions",
        spec.layer_options(url_for("downloads.regions_topojson", **spec.data_query(), view="map")),
    )
    kind = _kind_of(version)
    if kind == "points":
        from .point_datasets import add_points_layer

        add_points_layer(fmap, version, lang, spec.basemap.datum == "GCJ02")
    v = {"v": version.version} if pinned else {}
    embed = (
        views.embed_snippet("point_datasets.embed", spec.title, dataset=dataset_id, lang=lang, **v)
        if kind == "points"
        else None
    )
    return render_template(
        "dataset.html",
        record=record,
        version=version,
        info=ds.dataset_dict(version),
        pinned=pinned,
        column=column,
        columns=columns,
        spec=spec,
        fmap=maps.render(fmap),
        versions=_store().versions(dataset_id),
        links=_links(dataset_id, version.version if pinned else None, kind),
        kind=kind,
        categories=pt.category_colors(version.report.get("categories", []))
        if kind == "points"
        else {},
        map_urls={
            c: url_for("pages.choropleth", dataset=dataset_id, column=c, lang=lang, **v)
            for c in columns
        },
        embed_snippet=embed
        or views.embed_snippet(
            "embed.choropleth",
            spec.title,
            dataset=dataset_id,
            column=column,
            lang=lang,
            **v,
            **time,
        ),
        change_modes=CHANGE_MODES,
        schemes=SCHEMES,
        k_range=K_RANGE,
        palettes=PALETTES,
        diverging_palettes=DIVERGING_PALETTES,
        **views.template_globals(lang),
    )


@bp.get("/<dataset_id>/manage")
def manage(dataset_id: str):
    """The private manage page: new version, metadata, new token, delete.

    The page itself holds nothing secret (anyone may load it); the edit token is in the
    link's fragment, read by ``static/dataset_manage.js`` and sent as
    ``Authorization: Bearer`` to the JSON API. No Referer leaves this page.
    """
    lang = _lang()
    record = _store().dataset(dataset_id)
    version = _store().version(dataset_id)
    body = render_template(
        "dataset_manage.html",
        csrf=_csrf_token(),
        record=record,
        version=version,
        info=ds.dataset_dict(version),
        kind=_kind_of(version),
        licences=ds.LICENCES,
        links=_links(dataset_id, kind=_kind_of(version)),
        **views.template_globals(lang),
    )
    headers = {
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Robots-Tag": "noindex",
    }
    return body, 200, headers


@bp.get("/<dataset_id>")
def dataset_page(dataset_id: str):
    """The latest version; its URL never changes."""
    return _dataset_page(dataset_id, _store().version(dataset_id), pinned=False)


@bp.get("/<dataset_id>/v/<int:version>")
def version_page(dataset_id: str, version: int):
    """One version, the same forever (until the dataset is deleted: then 410)."""
    return _dataset_page(dataset_id, _store().version(dataset_id, version), pinned=True)


@bp.get("/<dataset_id>/v/<int:version>/original")
def original(dataset_id: str, version: int):
    """The file exactly as it was uploaded (same bytes, same SHA-256 as the page shows)."""
    record = _store().version(dataset_id, version)
    name = f"jjj_dataset_{dataset_id}_v{version}_{_ascii_name(record.filename)}"
    return send_cached(
        ("dataset-original", _database_url(), dataset_id, version),
        lambda: _store().original(dataset_id, version),
        "application/octet-stream",
        name,
    )


def _ascii_name(filename: str) -> str:
    """A file name safe in a Content-Disposition header (the extension is what matters)."""
    stem, dot, ext = filename.rpartition(".")
    ext = "".join(c for c in ext if c.isascii() and c.isalnum())[:8] or "txt"
    return f"upload.{ext}" if dot else "upload.txt"
