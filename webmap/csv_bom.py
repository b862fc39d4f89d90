"""CSV downloads that Excel opens with Chinese intact.

Excel reads a CSV without a byte order mark in the system's code page (GBK on a Chinese
Windows, cp1252 elsewhere), so UTF-8 names turn into mojibake. Every CSV download starts
with the UTF-8 BOM (``EF BB BF``) unless the request says ``bom=0`` (for tools that choke
on it); ``bom=1`` is the default spelt out. The BOM is part of the cache key, so both
variants are cached side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from geo.errors import BadParameter

BOM = "\ufeff".encode("utf-8")
CSV_MIMETYPE = "text/csv"
#: The values ``bom`` takes.
BOM_VALUES = ("0", "1")


def wants_bom(args: Mapping[str, str]) -> bool:
    """Whether this request's CSV starts with a BOM (``bom=1`` default, ``bom=0`` none)."""
    value = args.get("bom")
    if value is None:
        return True
    if value not in BOM_VALUES:
        raise BadParameter(
            "bom",
            value,
            BOM_VALUES,
            reason="1 = UTF-8 with a byte order mark (Excel), 0 = without",
            zh=f"参数「bom」的值「{value}」无效。可用值：1（带 BOM 的 UTF-8，Excel 可直接打开）、"
            "0（不带 BOM）。",
        )
    return value == "1"


def is_csv(mimetype: str | None) -> bool:
    return (mimetype or "").split(";")[0].strip() == CSV_MIMETYPE


def with_bom(body: bytes, bom: bool) -> bytes:
    """``body`` with the BOM in front (once) when ``bom``."""
    if bom and not body.startswith(BOM):
        return BOM + body
    return body


def producing_with_bom(produce: Callable[[], bytes], bom: bool) -> Callable[[], bytes]:
    return lambda: with_bom(produce(), bom)
