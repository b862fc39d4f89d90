"""User datasets: the two blueprints and what their views share — the upload limits, the
check of an upload (values, links or points), its publication, the manage link and the
form's CSRF token. The views are in :mod:`webmap.datasets_form` (the new-dataset form),
:mod:`webmap.datasets_pages` (dataset pages) and :mod:`webmap.datasets_api` (the JSON API).

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
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from geo.errors import BadParameter, Forbidden, Unauthorized
from geo.i18n import DEFAULT_LANG, check_lang
from geo.sources import datasets as ds
from geo.sources import link_tables as lt
from geo.sources import point_tables as pt
from geo.sources.limits import check_file_name, check_no_nul, check_value_columns
from geo.sources.uploads import MAX_BYTES, read_upload
from geo.store import VersionRecord, store_for

from .caching import first_value

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
        options = _given(values, "datum", "level", "lon_column", "lat_column", "category_column")
        return pt.check_point_upload(data, filename, pasted=pasted, **options)
    if kind == "links":
        options = _given(values, "level", "from_column", "to_column", "weight_column")
        return lt.check_link_upload(data, filename, pasted=pasted, **options)
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


def _given(values, *names: str) -> dict[str, str | None]:
    """The form's value of each of ``names`` (None where empty or absent)."""
    return {name: values.get(name) or None for name in names}


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


def _version(dataset_id: str, version: str | int | None) -> VersionRecord:
    number = None
    if version not in (None, ""):
        if not (str(version).isascii() and str(version).isdigit()) or int(version) < 1:
            raise BadParameter("v", version, "a version number (1, 2, …)")
        number = int(version)
    return _store().version(dataset_id, number)


# --- the form's CSRF token ------------------------------------------------------------


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
