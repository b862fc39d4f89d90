"""The new-dataset form (``/datasets/new``): check an upload, preview its map, publish it.
The views hang on :data:`webmap.datasets.bp`; the form's CSRF check is in :mod:`webmap.datasets`.
"""

from __future__ import annotations

from flask import (
    current_app,
    render_template,
    request,
    url_for,
)

from geo.errors import BadParameter, Forbidden, TooLarge, message_in
from geo.i18n import text
from geo.levels import LEVELS
from geo.maps.mapspec import choropleth_spec
from geo.sources import datasets as ds
from geo.sources import link_tables as lt
from geo.sources import point_tables as pt
from geo.sources.uploads import MAX_BYTES, MAX_ROWS
from geo.store import VersionRecord
from geo.store.limits import StoreFull, TooManyPublishes

from . import maps, moderation, views
from .dataset_urls import dataset_links as _links
from .datasets import (
    METADATA_FIELDS,
    _carried_options,
    _check,
    _check_csrf,
    _csrf_token,
    _kind_of,
    _lang,
    _publish,
    _store,
    bp,
    manage_url,
)


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
