"""Errors the data layer raises for bad requests; the web layer turns them into 4xx."""

from __future__ import annotations

from collections.abc import Iterable


class BadParameter(ValueError):
    """A parameter has a value outside its valid set (→ HTTP 400)."""

    def __init__(
        self,
        name: str,
        value: object,
        valid: Iterable[object] | str,
        reason: str = "",
        zh: str = "",
    ):
        self.name = name
        self.value = value
        #: The whole message in Chinese, for zh pages (see :func:`message_in`).
        self.zh = zh
        self.valid = valid if isinstance(valid, str) else [str(v) for v in valid]
        shown = self.valid if isinstance(self.valid, str) else ", ".join(self.valid)
        why = f" ({reason})" if reason else ""
        super().__init__(f"invalid {name} {value!r}{why}; valid: {shown}")


class UnknownItem(LookupError):
    """A named thing (indicator, zone, corridor) does not exist (→ HTTP 404)."""

    def __init__(self, kind: str, value: object, valid: Iterable[object]):
        self.name = kind
        self.value = value
        self.valid = [str(v) for v in valid]
        super().__init__(f"unknown {kind} {value!r}; valid: {', '.join(self.valid)}")

    def __str__(self) -> str:  # LookupError would repr() the message
        return self.args[0]


class DatasetGone(LookupError):
    """A dataset that existed and was deleted (→ HTTP 410, naming its title)."""

    def __init__(
        self, dataset_id: str, title: str, deleted_at: str, reason: str = "", hidden: bool = False
    ):
        self.dataset_id = dataset_id
        self.title = title
        self.deleted_at = deleted_at
        #: Why the operator hid or deleted it (``JJJ_ATLAS_ADMIN_TOKEN``), if they said.
        self.reason = reason or ""
        self.hidden = hidden
        what = "was hidden by the operator" if hidden else "was deleted"
        why = f": {reason}" if reason else ""
        super().__init__(f"dataset {dataset_id} ({title!r}) {what} on {deleted_at}{why}")
        done = "已被管理员隐藏" if hidden else "已被删除"
        self.zh = (
            f"数据集 {dataset_id}（{title}）于 {deleted_at} {done}"
            + (f"，原因：{reason}" if reason else "")
            + "。"
        )

    def __str__(self) -> str:
        return self.args[0]


class Unauthorized(PermissionError):
    """A change that needs an edit token was sent without one (→ HTTP 401)."""


class Forbidden(PermissionError):
    """A change was sent with a token that does not allow it (→ HTTP 403)."""

    def __init__(self, message: str = "", zh: str = ""):
        super().__init__(message)
        self.zh = zh


class TooLarge(ValueError):
    """An upload over a size or row limit (→ HTTP 413), naming the limit."""

    def __init__(self, what: str, limit: str, zh: str = ""):
        self.what = what
        self.limit = limit
        self.zh = zh
        super().__init__(f"{what} is over the limit of {limit}")


def message_in(err: Exception, lang: str) -> str:
    """``err`` as a page in ``lang`` shows it: on zh pages the Chinese message the raise site
    gave, else a Chinese sentence naming the parameter, the value as sent and the valid
    values (identifiers), so a zh page shows no English prose."""
    if lang != "zh":
        return str(err)
    if getattr(err, "zh", ""):
        return err.zh
    if isinstance(err, BadParameter):
        sentence = f"参数「{err.name}」的值「{err.value}」无效。"
        if isinstance(err.valid, list) and err.valid and len(err.valid) <= 30:
            sentence += "可用值：" + "、".join(err.valid) + "。"
        return sentence
    if isinstance(err, TooLarge):
        return "上传的内容超出上限，请缩小表格后重试。"
    return "请求无效，请检查后重试。"
