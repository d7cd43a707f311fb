"""The checked-in price table (cost/prices.yaml): rows, the no-charge types and the contract types.

A bad table is a user error like a bad environment file: the message names the file, the row and
the fix, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PRICES_FILE = Path(__file__).with_name("prices.yaml")
UNITS = ("hour", "month", "gb-month")
_REQUIRED = ("kind", "cloud", "region", "sku", "usd", "per", "source", "checked", "estimated")


class PriceTableError(Exception):
    """cost/prices.yaml cannot be used (the message says where and how to fix it)."""


@dataclass(frozen=True)
class PriceRow:
    kind: str
    cloud: str
    region: str
    sku: str
    usd: float
    per: str
    source: str
    checked: str
    estimated: bool
    note: str = ""
    seen_in: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind} {self.cloud}/{self.region}/{self.sku}"

    def monthly(self, quantity: float, hours_per_month: float) -> float:
        """Monthly USD for ``quantity`` units (nodes, keys, GB) of this row."""
        if self.per == "hour":
            return self.usd * hours_per_month * quantity
        return self.usd * quantity  # month, gb-month

    @property
    def label(self) -> str:
        mark = " (estimated)" if self.estimated else ""
        return f"${self.usd:g}/{self.per}{mark}"


@dataclass(frozen=True)
class PriceTable:
    as_of: str
    rows: tuple[PriceRow, ...]
    no_charge: dict[str, str]
    contract: dict[str, str]
    path: str = str(PRICES_FILE)

    def lookup(self, kind: str, cloud: str, region: str, sku: str) -> PriceRow | None:
        """The row for ``region``, else the cloud's ``"*"`` row; None when neither exists."""
        fallback = None
        for row in self.rows:
            if (row.kind, row.cloud, row.sku) != (kind, cloud, sku):
                continue
            if row.region == region:
                return row
            if row.region == "*":
                fallback = row
        return fallback


def _row(path: str, index: int, raw: Any) -> PriceRow:
    where = f"{path}: rows[{index}]"
    if not isinstance(raw, dict):
        raise PriceTableError(f"{where} must be a mapping with keys {', '.join(_REQUIRED)}.")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise PriceTableError(
            f"{where} lacks {', '.join(missing)}: every row names its price, unit and source."
        )
    unknown = set(raw) - set(_REQUIRED) - {"note", "seen_in"}
    if unknown:
        raise PriceTableError(f"{where} has unknown key(s) {', '.join(sorted(unknown))}.")
    if raw["per"] not in UNITS:
        raise PriceTableError(f"{where}.per is {raw['per']!r}: use one of {', '.join(UNITS)}.")
    if not isinstance(raw["usd"], (int, float)) or isinstance(raw["usd"], bool) or raw["usd"] < 0:
        raise PriceTableError(f"{where}.usd is {raw['usd']!r}: a non-negative number of US dollars.")
    if not isinstance(raw["estimated"], bool):
        raise PriceTableError(f"{where}.estimated must be true or false.")
    if not str(raw["source"]).startswith("https://"):
        raise PriceTableError(f"{where}.source must be the https:// address of the public pricing page.")
    if not raw["estimated"] and not raw.get("seen_in"):
        raise PriceTableError(f"{where}: estimated: false needs seen_in (where the figure was read).")
    return PriceRow(
        kind=str(raw["kind"]),
        cloud=str(raw["cloud"]),
        region=str(raw["region"]),
        sku=str(raw["sku"]),
        usd=float(raw["usd"]),
        per=str(raw["per"]),
        source=str(raw["source"]),
        checked=str(raw["checked"]),
        estimated=raw["estimated"],
        note=str(raw.get("note", "")),
        seen_in=str(raw.get("seen_in", "")),
    )


def load_prices(path: str | Path = PRICES_FILE) -> PriceTable:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PriceTableError(f"{path}: cannot be read: {exc.strerror}.") from None
    except yaml.YAMLError as exc:
        raise PriceTableError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise PriceTableError(f"{path}: must be a mapping with as_of, rows, no_charge and contract.")
    rows = tuple(_row(str(path), i, raw) for i, raw in enumerate(data["rows"]))
    seen: dict[tuple[str, str, str, str], int] = {}
    for i, row in enumerate(rows):
        key = (row.kind, row.cloud, row.region, row.sku)
        if key in seen:
            raise PriceTableError(f"{path}: rows[{i}] repeats rows[{seen[key]}] ({row.key}): keep one.")
        seen[key] = i
    return PriceTable(
        as_of=str(data.get("as_of", "")),
        rows=rows,
        no_charge={str(k): str(v) for k, v in (data.get("no_charge") or {}).items()},
        contract={str(k): str(v) for k, v in (data.get("contract") or {}).items()},
        path=str(path),
    )
