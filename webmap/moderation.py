"""Bounds and moderation of publishing, in the web layer: who the client is, the publishing
limit and store quota (429 / 507), and the operator's routes (``JJJ_ATLAS_ADMIN_TOKEN``).

The counting and the changes themselves are :mod:`geo.store.limits`,
:mod:`geo.store.moderation` and :mod:`geo.store.audit`; this module maps requests to them.

Operator routes (``Authorization: Bearer <JJJ_ATLAS_ADMIN_TOKEN>``; 403 when no operator
token is configured or it does not match):

- ``POST /api/admin/datasets/<id>/hide`` (``reason``): its URLs answer 410 with the reason;
- ``POST /api/admin/datasets/<id>/unhide``: shown again;
- ``DELETE /api/admin/datasets/<id>`` (``reason``): removed, versions and all (410 after);
- ``GET /api/admin/audit`` (``dataset``, ``limit``): the newest audit rows.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, current_app, g, jsonify, request

from geo.errors import BadParameter, Forbidden
from geo.store import audit, store_for
from geo.store import moderation as store_moderation
from geo.store.limits import StoreFull, TooManyPublishes, check_publish

from .errors import error_response

bp = Blueprint("moderation", __name__, url_prefix="/api/admin")

#: Defaults of the bounds (``JJJ_ATLAS_PUBLISH_PER_HOUR``, ``JJJ_ATLAS_STORE_QUOTA_BYTES``).
DEFAULT_PUBLISH_PER_HOUR = 20
DEFAULT_STORE_QUOTA_BYTES = 2 * 1024**3


def _store():
    return store_for(current_app.config["DATABASE_URL"])


def client_address() -> str:
    """The client's address: the socket peer, or, when the peer is a trusted proxy
    (``JJJ_ATLAS_FORWARDED_ALLOW_IPS``, as gunicorn reads it; default 127.0.0.1), the
    address the proxy appended last to ``X-Forwarded-For`` (nginx: the peer it saw)."""
    peer = request.remote_addr or "unknown"
    trusted = str(current_app.config.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))
    proxies = {p.strip() for p in trusted.split(",")}
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and (peer in proxies or "*" in proxies):
        last = forwarded.split(",")[-1].strip()
        if last and len(last) <= 64:
            return last
    return peer


def _config_int(name: str, default: int) -> int:
    value = current_app.config.get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError) as err:
        raise RuntimeError(f"JJJ_ATLAS_{name} must be a whole number, not {value!r}") from err


def check_publish_allowed(incoming: int) -> None:
    """Before a publish or a new version: 429 past the client's hourly limit, 507 when the
    upload would pass the store's quota."""
    check_publish(
        _store(),
        _config_int("PUBLISH_PER_HOUR", DEFAULT_PUBLISH_PER_HOUR),
        _config_int("STORE_QUOTA_BYTES", DEFAULT_STORE_QUOTA_BYTES),
        incoming,
    )


def _name_client():
    g.audit_client = audit.set_client(client_address())


def _forget_client(_exc=None):
    token = g.pop("audit_client", None)
    if token is not None:
        audit.reset_client(token)


def with_zh(response, err) -> None:
    body = response.get_json(silent=True)
    if isinstance(body, dict):
        body["error_zh"] = getattr(err, "zh", "")
        response.set_data(current_app.json.dumps(body))


def register(app: Flask) -> None:
    app.config.setdefault("PUBLISH_PER_HOUR", DEFAULT_PUBLISH_PER_HOUR)
    app.config.setdefault("STORE_QUOTA_BYTES", DEFAULT_STORE_QUOTA_BYTES)
    app.before_request(_name_client)
    app.teardown_request(_forget_client)
    app.register_blueprint(bp)

    @app.errorhandler(TooManyPublishes)
    def _too_many(err: TooManyPublishes):
        response, status = error_response(
            429, str(err), "publishes per hour", f"at most {err.limit} per hour per address"
        )
        if not isinstance(response, str):
            with_zh(response, err)
        return response, status, {"Retry-After": str(err.retry_after)}

    @app.errorhandler(StoreFull)
    def _full(err: StoreFull):
        response, status = error_response(507, str(err), "file", f"at most {err.quota:,} bytes")
        if not isinstance(response, str):
            with_zh(response, err)
        return response, status


# --- the operator's routes ---------------------------------------------------------------


def _require_operator() -> None:
    configured = current_app.config.get("ADMIN_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not configured:
        raise Forbidden(
            "no operator token is configured (JJJ_ATLAS_ADMIN_TOKEN)",
            zh="未配置管理员令牌（JJJ_ATLAS_ADMIN_TOKEN）。",
        )
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), str(configured).encode()
    ):
        raise Forbidden(
            "this needs Authorization: Bearer <the operator token>",
            zh="此操作需要管理员令牌（Authorization: Bearer <令牌>）。",
        )


def _reason() -> str:
    reason = (request.values.get("reason") or "").strip()
    if not reason or len(reason) > store_moderation.MAX_REASON:
        raise BadParameter(
            "reason",
            reason[:40],
            f"a reason of 1 to {store_moderation.MAX_REASON} characters",
            zh=f"参数「reason」无效：请写明原因（1 到 {store_moderation.MAX_REASON} 个字符）。",
        )
    return reason


def _answer(record) -> tuple:
    body = {
        "id": record.id,
        "title_zh": record.title_zh,
        "title_en": record.title_en,
        "hidden_at": record.hidden_at,
        "deleted_at": record.deleted_at,
        "reason": record.removed_reason,
    }
    return jsonify(body), 200, {"Cache-Control": "no-store"}


@bp.post("/datasets/<dataset_id>/hide")
def hide(dataset_id: str):
    _require_operator()
    return _answer(store_moderation.hide(_store(), dataset_id, _reason()))


@bp.post("/datasets/<dataset_id>/unhide")
def unhide(dataset_id: str):
    _require_operator()
    return _answer(store_moderation.unhide(_store(), dataset_id))


@bp.delete("/datasets/<dataset_id>")
def remove(dataset_id: str):
    _require_operator()
    return _answer(store_moderation.remove(_store(), dataset_id, _reason()))


@bp.get("/audit")
def audit_trail():
    _require_operator()
    raw = request.args.get("limit") or "100"
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 1000:
        raise BadParameter("limit", raw, "a whole number from 1 to 1000")
    rows = audit.trail(_store(), request.args.get("dataset") or None, int(raw))
    return jsonify({"audit": rows}), 200, {"Cache-Control": "no-store"}
