"""The generic decoding constraints, on a small output type of their own (no domain)."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from behaviorlab.models import CopyNumber, InInputOrder, constrain
from behaviorlab.models._grammar import gbnf_for, without_extensions


class Parcel(BaseModel):
    kilos: Annotated[int, CopyNumber()]
    cm: Annotated[int, CopyNumber()]


class Shipment(BaseModel):
    parcels: Annotated[list[Parcel], InInputOrder()]


class ShipmentOnce(BaseModel):
    parcels: Annotated[list[Parcel], InInputOrder(reuse=False)]


TWO_WRITTEN = "parcel: 4 kg, 30 cm\nparcel: 4 kg, 30 cm\n"
ONE_WRITTEN = "parcel: 4 kg, 30 cm\nparcel: 7 kg, 45 cm\n"


def _parcels(*pairs: tuple[int, int]) -> dict[str, object]:
    return {"parcels": [{"kilos": k, "cm": c} for k, c in pairs]}


def test_by_default_one_written_item_may_be_copied_twice() -> None:
    bound = constrain(Shipment, ONE_WRITTEN)
    assert len(bound.model_validate(_parcels((4, 30), (4, 30))).parcels) == 2


def test_without_reuse_an_item_is_listed_as_often_as_the_input_writes_it() -> None:
    bound = constrain(ShipmentOnce, ONE_WRITTEN)
    assert bound.model_validate(_parcels((4, 30), (7, 45)))
    with pytest.raises(ValidationError, match="writes 4 once but the list copies it 2 times"):
        bound.model_validate(_parcels((4, 30), (4, 30)))
    # written twice, it may be listed twice
    twice = constrain(ShipmentOnce, TWO_WRITTEN)
    assert len(twice.model_validate(_parcels((4, 30), (4, 30))).parcels) == 2
    with pytest.raises(ValidationError, match="copies it 3 times"):
        twice.model_validate(_parcels((4, 30), (4, 30), (4, 30)))


def test_the_count_is_checked_by_validation_and_never_reaches_a_decoder_or_server() -> None:
    compiled = constrain(ShipmentOnce, ONE_WRITTEN).compiled_constraints  # type: ignore[attr-defined]
    assert compiled["properties"]["parcels"]["x-numbers-once"] == [4.0, 7.0, 30.0, 45.0]
    assert "x-numbers-once" not in str(without_extensions(compiled))
    assert "x-numbers-once" not in gbnf_for(compiled)
    assert "x-reuse" not in str(compiled)
