from __future__ import annotations

import csv
from pathlib import Path

import pytest

from behaviorlab.tasks.airline import (
    BASE_FEES,
    CABIN_CLASSES,
    REGIONS,
    BagNotAcceptedError,
    checked_bag_fee,
    oversize_fee,
    oversize_overweight_fee,
    overweight_fee,
    rules_text,
)


def _csv(path: Path) -> dict[str, dict[str, int]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0][1:]
    return {r[0]: dict(zip(header, map(int, r[1:]), strict=True)) for r in rows[1:] if r}


def test_encoded_base_fees_equal_rulearena_csvs(rulearena_dir: Path) -> None:
    for bag in (1, 2, 3, 4):
        for direction in (0, 1):
            table = _csv(
                rulearena_dir / "airline" / "fee_tables" / f"bag_{bag}" / f"{direction}.csv"
            )
            encoded = BASE_FEES[bag][direction]
            for region, row in table.items():
                assert dict(encoded[region]) == row, (bag, direction, region)
            # The only row we add is Cuba for the 3rd/4th bag (the CSVs have none).
            extra = set(encoded) - set(table)
            assert extra == (set() if bag <= 2 else {"Cuba"})
            assert set(encoded) == set(REGIONS)
    assert list(
        _csv(rulearena_dir / "airline" / "fee_tables" / "bag_1" / "0.csv")["Europe"]
    ) == list(CABIN_CLASSES)


def test_checked_bag_fee() -> None:
    assert checked_bag_fee("U.S.", 0, "Main Cabin", 1) == 40
    assert checked_bag_fee("U.S.", 0, "Main Plus", 2) == 45
    assert checked_bag_fee("Cuba", 0, "Basic Economy", 2) == 150
    assert checked_bag_fee("Cuba", 1, "Basic Economy", 2) == 0
    assert checked_bag_fee("Europe", 1, "First", 3) == 0
    assert checked_bag_fee("Canada", 0, "First", 3) == 150
    assert checked_bag_fee("Japan", 0, "First", 9) == 200
    with pytest.raises(ValueError, match="unknown region"):
        checked_bag_fee("Mars", 0, "First", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cabin class"):
        checked_bag_fee("U.S.", 0, "Economy", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="bag_number"):
        checked_bag_fee("U.S.", 0, "First", 0)


def test_oversize_thresholds() -> None:
    assert oversize_fee("U.S.", 62) == 0
    assert oversize_fee("U.S.", 63) == 30
    assert oversize_fee("Europe", 65) == 30
    assert oversize_fee("Europe", 66) == 150
    assert oversize_fee("Peru", 115) == 150
    assert oversize_fee("China", 66) == 200
    with pytest.raises(BagNotAcceptedError):
        oversize_fee("U.S.", 116)


def test_overweight_thresholds_and_allowances() -> None:
    assert overweight_fee("U.S.", "Main Cabin", 50) == 0
    assert overweight_fee("U.S.", "Main Cabin", 51) == 30
    assert overweight_fee("U.S.", "Main Cabin", 54) == 100
    assert overweight_fee("Cuba", "Main Cabin", 54) == 200
    assert overweight_fee("Japan", "Main Cabin", 71) == 450
    assert overweight_fee("Europe", "Main Cabin", 71) == 200
    # Complimentary Business/First bags may weigh 70 lbs; paid ones only 50.
    assert overweight_fee("Europe", "Business", 70, complimentary=True) == 0
    assert overweight_fee("Europe", "Business", 70, complimentary=False) == 100
    assert overweight_fee("China", "First", 80, complimentary=True) == 450
    # Australia/New Zealand: 70 lbs for complimentary bags in every class.
    assert overweight_fee("Australia", "Main Cabin", 65, complimentary=True) == 0
    assert overweight_fee("Australia", "Main Cabin", 65, complimentary=False) == 100
    assert overweight_fee("Europe", "Main Cabin", 65, complimentary=True) == 100
    with pytest.raises(BagNotAcceptedError):
        overweight_fee("U.S.", "First", 101)


def test_only_the_higher_surcharge_applies() -> None:
    assert oversize_overweight_fee("U.S.", "Main Cabin", 70, 52) == 200
    assert oversize_overweight_fee("Japan", "Main Cabin", 70, 80) == 450
    assert oversize_overweight_fee("Europe", "First", 60, 60, complimentary=True) == 0


def test_rules_text(rulearena_dir: Path) -> None:
    own = rules_text()
    assert "## Base fee of the 1st checked bag" in own
    assert "| Europe | $75 | $0 | $0 | $0 | $0 | $0 |" in own
    assert "Cuba (to the U.S.)" in own and "$450" in own
    upstream = rules_text(rulearena_dir)
    assert upstream == (rulearena_dir / "airline" / "reference_rules.txt").read_text(
        encoding="utf-8"
    )
    assert rules_text(rulearena_dir / "airline") == upstream
