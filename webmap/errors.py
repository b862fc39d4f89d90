"""Bad input → a clear 4xx: JSON for /api and /download, an HTML page for everything else."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from geo.errors import (
    BadParameter,
    DatasetGone,
    Forbidden,
    TooLarge,
    Unauthorized,
    UnknownItem,
    message_in,
)
from geo.sources.limits import check_no_nul


def _wants_json() -> bool:
    if _is_ogc():
        # OGC API: JSON unless HTML was asked for (f=html, or a browser's Accept).
        if request.args.get("f") == "html":
            return False
        offered = ("application/json", "text/html")
        return request.accept_mimetypes.best_match(offered, "application/json") != "text/html"
    return request.path.startswith(("/api/", "/download/", "/oembed"))


#: OGC API exception codes (the ``code`` of an OGC error document) by HTTP status.
OGC_CODES = {
    400: "InvalidParameterValue",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    410: "Gone",
    413: "PayloadTooLarge",
    414: "URITooLong",
}


def _is_ogc() -> bool:
    return request.path == "/ogc" or request.path.startswith("/ogc/")


def error_response(
    status: int,
    message: str,
    parameter: str | None = None,
    valid=None,
    zh: str = "",
    message_zh: str = "",
):
    """``zh``: the message in Chinese (JSON ``error_zh``; what a ``lang=zh`` page shows);
    ``message_zh``: a Chinese sentence the raise site wrote, shown beside the English one
    on English pages too (a definition break)."""
    zh = zh or message_zh
    if _wants_json():
        if _is_ogc():  # OGC API – Features: the exception schema {"code", "description"}
            body = {"code": OGC_CODES.get(status, "ServerError"), "description": message}
        else:
            body = {"error": message, "status": status}
        if zh:
            body["error_zh"] = zh
        if parameter:
            body["parameter"] = parameter
        if valid is not None:
            body["valid"] = valid
        return jsonify(body), status
    if zh and request.args.get("lang") == "zh":
        message = zh
    # Jinja autoescaping makes the user's text safe here.
    html = render_template(
        "error.html",
        status=status,
        message=message,
        message_zh=message_zh if message_zh != message else "",
        parameter=parameter,
        valid=valid,
    )
    return html, status


def refuse_nul() -> None:
    """400 for a NUL character in the path's parameters or the query (before_request):
    PostgreSQL cannot store or compare it, SQLite would; both refuse it alike."""
    if "\x00" in request.path or "%00" in request.environ.get("QUERY_STRING", ""):
        check_no_nul(request.view_args or {})
        check_no_nul(request.args.to_dict(flat=False))
        check_no_nul({"path": request.path})


def register(app: Flask) -> None:
    app.before_request(refuse_nul)

    @app.errorhandler(BadParameter)
    def _bad_parameter(err: BadParameter):
        return error_response(
            400,
            str(err),
            err.name,
            err.valid,
            zh=message_in(err, "zh"),
            message_zh=getattr(err, "zh", ""),
        )

    @app.errorhandler(UnknownItem)
    def _unknown(err: UnknownItem):
        return error_response(404, str(err), err.name, err.valid)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(err: RequestEntityTooLarge):
        limit = request.max_content_length or app.config["MAX_CONTENT_LENGTH"]
        return error_response(
            413, f"upload larger than the {limit:,}-byte limit", "file", f"at most {limit:,} bytes"
        )

    @app.errorhandler(TooLarge)
    def _over_limit(err: TooLarge):
        return error_response(413, str(err), "file", f"at most {err.limit}")

    @app.errorhandler(DatasetGone)
    def _gone(err: DatasetGone):
        response, status = error_response(410, str(err), "dataset", None)
        body = response.get_json(silent=True) if not isinstance(response, str) else None
        if isinstance(body, dict):  # the operator's reason, and the message in Chinese
            body.update(reason=err.reason, error_zh=err.zh)
            response.set_data(app.json.dumps(body))
        return response, status

    @app.errorhandler(Unauthorized)
    def _unauthorized(err: Unauthorized):
        response, status = error_response(
            401, str(err), "Authorization", "Authorization: Bearer <edit_token>"
        )
        return response, status, {"WWW-Authenticate": 'Bearer realm="jjj-atlas datasets"'}

    @app.errorhandler(Forbidden)
    def _forbidden(err: Forbidden):
        return error_response(
            403, str(err), "Authorization", "the edit_token returned when it was published"
        )

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        body, status = error_response(err.code or 500, err.description or err.name)
        # Werkzeug's own headers (Allow on a 405, Retry-After, …), not its content type.
        kept = [(k, v) for k, v in err.get_headers() if k.lower() != "content-type"]
        return body, status, kept
