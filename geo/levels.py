"""The administrative levels the atlas knows, and the special units laid over them.

One place for these facts: routes, templates and tests read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.errors import BadParameter

#: Levels in order from coarse to fine.
LEVELS: tuple[str, ...] = ("province", "prefecture", "county")

#: Region covered by the atlas: Beijing, Tianjin, Hebei (province adcodes).
PROVINCE_ADCODES: tuple[str, ...] = ("110000", "120000", "130000")


@dataclass(frozen=True)
class SpecialUnit:
    """A unit drawn over a level without being cut out of its neighbours."""

    adcode: str
    level: str
    parent_adcode: str
    members: tuple[str, ...]
    note: str


#: Xiong'an New Area: the union of Xiong, Rongcheng and Anxin counties. It has no code in
#: the MCA division list (its counties keep their Baoding codes); 133100 is the atlas's
#: identifier for it, following the 13xx00 pattern of Hebei's prefecture-level units.
XIONGAN = SpecialUnit(
    adcode="133100",
    level="prefecture",
    parent_adcode="130000",
    members=("130629", "130632", "130638"),
    note="Union of Rongcheng 130629, Anxin 130632 and Xiong 130638 counties; "
    "overlaps Baoding (130600), which keeps them.",
)

SPECIAL_UNITS: tuple[SpecialUnit, ...] = (XIONGAN,)


def check_level(level: str) -> str:
    """Return ``level`` if it is known, else raise :class:`BadParameter` naming the valid ones."""
    if level not in LEVELS:
        raise BadParameter("level", level, LEVELS)
    return level


def parent_adcode(adcode: str, level: str) -> str | None:
    """Adcode of the unit one level up (None for provinces).

    County 110112 → prefecture 110100; prefecture 130600 → province 130000.
    """
    if level == "county":
        return adcode[:4] + "00"
    if level == "prefecture":
        return adcode[:2] + "0000"
    return None
