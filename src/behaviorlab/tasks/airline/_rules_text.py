"""The rules as text for a prompt: RuleArena's own, or a rendering of our encoding."""

from __future__ import annotations

from pathlib import Path

from behaviorlab.tasks.airline import _rules as r
from behaviorlab.tasks.airline._data import RuleArenaNotFoundError, airline_dir
from behaviorlab.tasks.airline._geo import cities_in

RULEARENA_RULES_FILE = "reference_rules.txt"


def rules_text(root: Path | str | None = None) -> str:
    """The fee rules for a chain-of-thought prompt.

    With ``root`` (a RuleArena checkout or its ``airline/`` folder), RuleArena's
    ``reference_rules.txt``; without, a markdown rendering of this package's
    own encoding of the schedule (no checkout needed).
    """
    if root is not None:
        path = airline_dir(root) / RULEARENA_RULES_FILE
        if not path.is_file():
            raise RuleArenaNotFoundError(
                f"missing {path}: expected RuleArena's airline rules there"
            )
        return path.read_text(encoding="utf-8")
    return render_schedule()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _base_fee_rows(bag_number: int) -> list[list[str]]:
    departing = r.BASE_FEES[bag_number][r.DEPARTING_US]
    arriving = r.BASE_FEES[bag_number][r.ARRIVING_US]
    rows = []
    for region in r.REGIONS:
        rows.append([region] + [f"${departing[region][c]}" for c in r.CABIN_CLASSES])
        if arriving[region] != departing[region]:
            rows.append(
                [f"{region} (to the U.S.)"] + [f"${arriving[region][c]}" for c in r.CABIN_CLASSES]
            )
    return rows


def render_schedule() -> str:
    """Markdown rendering of the encoded fee schedule (regions, base fees, surcharges)."""
    ordinals = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th and each further"}
    out = [
        "# Checked-bag fees",
        "",
        "Total cost = ticket price + for every checked bag: its base fee + the higher of its oversize fee "
        "and its overweight fee (never both). The passenger's carry-on (the first item listed) is free. "
        "All sizes are length + width + height in inches; weights in lbs.",
        "",
        "## Regions",
        "",
        'The fee region is the end of the trip outside the mainland U.S. ("U.S." for a flight within the '
        "U.S.). Fees are the same in both directions except for Cuba. Example cities:",
        "",
    ]
    for region in r.REGIONS:
        names = ", ".join(c.name for c in cities_in(region)[:8])
        out.append(f"- {region}: {names}")
    for n in range(1, r.MAX_TABLE_BAG + 1):
        out += ["", f"## Base fee of the {ordinals[n]} checked bag", ""]
        out += _table(["Region", *r.CABIN_CLASSES], _base_fee_rows(n))
    out += [
        "",
        "## Which bag counts as the 1st, 2nd, ...",
        "",
        "A base fee of $0 makes that bag complimentary. The passenger may put the bags in any order, "
        "so the total is the smallest over all orders: give the complimentary places to the bags whose "
        "surcharge drops most there.",
        "",
        "## Weight allowance",
        "",
        f"- Complimentary bags of Business and First passengers, and complimentary bags of every passenger "
        f"flying to/from Australia or New Zealand: {r.PREMIUM_ALLOWANCE_LBS} lbs.",
        f"- Every other bag: {r.STANDARD_ALLOWANCE_LBS} lbs.",
        "",
        "## Overweight fee (only for weight above the bag's allowance)",
        "",
    ]
    asia = ", ".join(sorted(r.ASIA_REGIONS))
    out += _table(
        ["Weight", "Fee"],
        [
            [f"over 50 to {r.OVERWEIGHT_LOW_MAX} lbs", f"${r.OVERWEIGHT_LOW_FEE}"],
            [
                f"over 53 to {r.OVERWEIGHT_MID_MAX} lbs",
                f"${r.OVERWEIGHT_MID_FEE} (Cuba: ${r.OVERWEIGHT_MID_FEE_CUBA})",
            ],
            [
                f"over 70 to {r.OVERWEIGHT_ACCEPTED_MAX} lbs",
                f"${r.OVERWEIGHT_HIGH_FEE} ({asia}: ${r.OVERWEIGHT_HIGH_FEE_ASIA})",
            ],
            [f"over {r.OVERWEIGHT_ACCEPTED_MAX} lbs", "not accepted"],
        ],
    )
    reduced = ", ".join(sorted(r.OVERSIZE_REDUCED_REGIONS))
    out += ["", "## Oversize fee", ""]
    out += _table(
        ["Length + width + height", "Fee"],
        [
            [f"up to {r.OVERSIZE_FREE_MAX} in", "$0"],
            [f"over {r.OVERSIZE_FREE_MAX} to {r.OVERSIZE_LOW_MAX} in", f"${r.OVERSIZE_LOW_FEE}"],
            [
                f"over {r.OVERSIZE_LOW_MAX} to {r.OVERSIZE_ACCEPTED_MAX} in",
                f"${r.OVERSIZE_HIGH_FEE} ({reduced}: ${r.OVERSIZE_HIGH_FEE_REDUCED})",
            ],
            [f"over {r.OVERSIZE_ACCEPTED_MAX} in", "not accepted"],
        ],
    )
    return "\n".join(out) + "\n"
