"""Place names of an export → the 12-digit village codes of the data folder.

Exports name places (乡(镇) 印庄乡, 行政村 大岭村委会); the contract wants codes. Names are compared after
:func:`profiles.norm` and without one suffix (村民委员会/村委会/居委会/社区/村; 镇/乡/街道), so 范庄、范庄村 and
范庄村委会 are one village. Old township names go through the profile's aliases (印庄乡 → 印庄镇); a
township recognised only by its stem is reported too. Village names repeat within a county (一街, 南关, 大岭
… twice each in Lulong), so the township decides; what it cannot decide is an error naming the row, as is
every name that matches nothing. Every reading other than an exact match is reported: nothing is guessed
silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import report
from lulong_data.imports.profiles import Places, norm
from lulong_data.imports.values import remap


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for s in sorted(suffixes, key=len, reverse=True):
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


@dataclass
class Resolver:
    townships: pd.DataFrame  # township_code, name
    villages: pd.DataFrame  # village_code, township_code, name
    places: Places
    county_name: str = ""
    _t_exact: dict[str, str] = field(default_factory=dict)
    _t_stem: dict[str, list[str]] = field(default_factory=dict)
    _t_name: dict[str, str] = field(default_factory=dict)
    _v_in: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _v_any: dict[str, list[str]] = field(default_factory=dict)
    _v_name: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ps = self.places
        for code, name in zip(self.townships["township_code"], self.townships["name"], strict=True):
            n = norm(name)
            self._t_exact[n] = code
            self._t_stem.setdefault(_strip(n, ps.township_suffixes), []).append(code)
            self._t_name[code] = str(name)
        for code, tcode, name in zip(
            self.villages["village_code"], self.villages["township_code"], self.villages["name"], strict=True
        ):
            stem = _strip(norm(name), ps.suffixes)
            self._v_in.setdefault((tcode, stem), []).append(code)
            self._v_any.setdefault(stem, []).append(code)
            self._v_name[code] = (str(name), tcode)
        self.county_name = self.county_name or ps.county_name

    # -- townships --------------------------------------------------------------------------------
    def township(self, value: str) -> tuple[str | None, str]:
        """(code or None, how): how is "exact", "alias", "stem", "code", "" (empty) or "unknown"."""
        n = norm(value)
        if not n:
            return None, ""
        if re.fullmatch(r"\d{9}", n) and n in self._t_name:
            return n, "code"
        if n in self._t_exact:
            return self._t_exact[n], "exact"
        alias = self.places.township_aliases.get(n)
        if alias is not None and norm(alias) in self._t_exact:
            return self._t_exact[norm(alias)], "alias"
        found = self._t_stem.get(_strip(n, self.places.township_suffixes), [])
        if len(found) == 1:
            return found[0], "stem"
        return None, "unknown"

    # -- the whole column pair ----------------------------------------------------------------------
    def resolve(
        self,
        frame: pd.DataFrame,
        file: str,
        township_col: str | None,
        village_col: str | None,
    ) -> tuple[pd.Series, list[Problem]]:
        """The village code of every row (NaN where it cannot be placed) and the findings: one per distinct
        (township, village) pair, naming its first row and how many rows share it."""
        problems: list[Problem] = []
        t = frame["township"] if "township" in frame else pd.Series("", index=frame.index, dtype="str")
        v = frame["village"] if "village" in frame else pd.Series("", index=frame.index, dtype="str")
        t, v = t.fillna(""), v.fillna("")
        files = frame["_file"] if "_file" in frame else pd.Series(file, index=frame.index)
        pairs = pd.DataFrame({"t": t, "v": v, "row": frame["_row"], "f": files})
        by_pair = pairs.groupby(["t", "v"], sort=False)
        groups = by_pair.agg(first=("row", "first"), size=("row", "size"), f=("f", "first"))
        codes: dict[tuple[str, str], str | None] = {}
        seen_t: set[str] = set()
        for (tv, vv), first, size, first_file in zip(
            groups.index, groups["first"], groups["size"], groups["f"], strict=True
        ):
            row, count, file = int(first), int(size), str(first_file)
            rows_zh = f"(共 {count} 行)" if count > 1 else ""
            tcode, how = self.township(tv)
            if how in ("alias", "stem") and tv not in seen_t:
                seen_t.add(tv)
                problems.append(
                    report.problem(
                        "township_renamed",
                        file,
                        severity="warning",
                        row=row,
                        column=township_col,
                        value=tv,
                        name=self._t_name[tcode],
                        place_code=tcode,
                    )
                )
            code, problem = self._village(vv, tv, tcode, how, file, row, village_col, rows_zh)
            if problem is not None:
                problems.append(problem)
            codes[(tv, vv)] = code
        # each row's code through its pair's number (ngroup counts the pairs in the order agg lists them)
        pair_codes = np.array([codes[k] for k in groups.index] + [None], dtype=object)
        mapped = pd.Series(pair_codes[by_pair.ngroup().to_numpy()], index=frame.index, dtype="str")
        return mapped, problems

    def _village(
        self,
        value: str,
        township_value: str,
        tcode: str | None,
        how: str,
        file: str,
        row: int,
        column: str | None,
        rows_zh: str,
    ) -> tuple[str | None, Problem | None]:
        n = norm(value)
        tshow = township_value or "乡镇未填"
        if not n:
            return None, report.problem("village_missing", file, row=row, column=column)
        if re.fullmatch(r"\d{12}", n):
            if n in self._v_name:
                return n, None
            return None, report.problem(
                "village_unknown",
                file,
                row=row,
                column=column,
                value=value,
                township=tshow,
                hint_zh=rows_zh,
                hint_en="",
            )
        alias = self.places.village_aliases.get(
            norm(township_value) + "/" + n
        ) or self.places.village_aliases.get(n)
        if alias is not None and alias in self._v_name:
            return alias, self._renamed(value, alias, file, row, column)
        stem = _strip(n, self.places.suffixes)
        if tcode is not None:
            found = self._v_in.get((tcode, stem), [])
            if len(found) == 1:
                return found[0], None
            elsewhere = self._v_any.get(stem, [])
            hint_zh = hint_en = ""
            if elsewhere:
                where = "、".join(self._t_name.get(self._v_name[c][1], "?") for c in elsewhere)
                hint_zh = f";{where}有同名村,请核对乡镇"
                hint_en = f"; a village of that name is in {where}: check the township"
            return None, report.problem(
                "village_unknown",
                file,
                row=row,
                column=column,
                value=value,
                township=tshow,
                hint_zh=hint_zh + rows_zh,
                hint_en=hint_en,
            )
        found = self._v_any.get(stem, [])
        if len(found) == 1:
            if how == "unknown":
                # placed by the village alone: say so, the township named in the file is not in the list
                return found[0], report.problem(
                    "township_unknown", file, severity="warning", row=row, value=township_value
                )
            return found[0], None
        if len(found) > 1:
            options = "、".join(
                f"{self._t_name.get(self._v_name[c][1], '?')}{self._v_name[c][0]}" for c in found
            )
            return None, report.problem(
                "village_ambiguous",
                file,
                row=row,
                column=column,
                value=value,
                count=len(found),
                options=options,
                township=tshow,
            )
        return None, report.problem(
            "village_unknown",
            file,
            row=row,
            column=column,
            value=value,
            township=tshow,
            hint_zh=rows_zh,
            hint_en="",
        )

    def _renamed(self, value: str, code: str, file: str, row: int, column: str | None) -> Problem:
        name, tcode = self._v_name[code]
        return report.problem(
            "village_renamed",
            file,
            severity="warning",
            row=row,
            column=column,
            value=value,
            township=self._t_name.get(tcode, ""),
            name=name,
            place_code=code,
        )

    def other_county(
        self, frame: pd.DataFrame, file: str, column: str | None
    ) -> tuple[pd.Series, list[Problem]]:
        """Rows whose 县 column names another county (True), and one error per such name."""
        if "county" not in frame or not self.county_name:
            return pd.Series(False, index=frame.index), []
        c = frame["county"].fillna("")
        mine = {norm(self.county_name), _strip(norm(self.county_name), ("县", "市", "区", "旗"))}
        keys = remap(c, norm)
        other = keys.ne("") & ~keys.isin(mine)
        problems = []
        if other.any():
            sel = frame.loc[other]
            first = sel.groupby(c[other], sort=False).agg(row=("_row", "first"), f=("_file", "first"))
            for value, rec in first.iterrows():
                problems.append(
                    report.problem(
                        "other_county",
                        str(rec["f"]),
                        row=int(rec["row"]),
                        column=column,
                        value=value,
                        county=self.county_name,
                    )
                )
        return other, problems
