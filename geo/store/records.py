"""What the store holds, as plain values: a version to write (:class:`NewVersion`), a
dataset's row (:class:`DatasetRecord`), one immutable version (:class:`VersionRecord`) and
what a publish answers (:class:`Published`). No database code here, so the catalogue and
the store's other helpers can use them without importing the store."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NewVersion:
    """What a publish or replace writes: the upload and what was parsed from it."""

    title_zh: str
    title_en: str
    level: str
    key_column: str
    filename: str
    file_format: str
    original: bytes
    metadata: dict
    table: dict
    values: dict
    report: dict
    #: {column: {year: {adcode: value}}} for a table with years (else empty).
    series: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetRecord:
    id: str
    title_zh: str
    title_en: str
    latest_version: int
    created_at: str
    updated_at: str
    deleted_at: str | None
    #: Set when the operator hid it (its URLs answer 410 with the reason until unhidden).
    hidden_at: str | None = None
    removed_reason: str | None = None

    def title(self, lang: str = "en") -> str:
        first, second = (
            (self.title_zh, self.title_en)
            if lang == "zh"
            else (
                self.title_en,
                self.title_zh,
            )
        )
        return first or second


@dataclass(frozen=True)
class VersionRecord:
    dataset_id: str
    version: int
    created_at: str
    level: str
    key_column: str
    filename: str
    file_format: str
    original_sha256: str
    original_size: int
    metadata: dict = field(hash=False)
    table: dict = field(hash=False)
    values: dict = field(hash=False)
    report: dict = field(hash=False)
    series: dict = field(hash=False, default_factory=dict)


@dataclass(frozen=True)
class Published:
    dataset: DatasetRecord
    version: VersionRecord
    edit_token: str | None = None


def dataset_record(row) -> DatasetRecord:
    """A :class:`DatasetRecord` from a row of ``datasets`` (a mapping; ``hidden_at`` and
    ``removed_reason`` are None when the row does not hold them, as catalogue rows do not)."""
    return DatasetRecord(
        id=row["id"],
        title_zh=row["title_zh"],
        title_en=row["title_en"],
        latest_version=row["latest_version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
        hidden_at=row.get("hidden_at"),
        removed_reason=row.get("removed_reason"),
    )
