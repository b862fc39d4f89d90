"""Errors the data layer raises for bad requests; the web layer turns them into 4xx."""

from __future__ import annotations

from collections.abc import Iterable


class BadParameter(ValueError):
    """A parameter has a value outside its valid set (→ HTTP 400)."""

    def __init__(self, name: str, value: object, valid: Iterable[object] | str, reason: str = ""):
        self.name = name
        self.value = value
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
