"""The generic decoding constraints, on a small output type of their own (no domain)."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from behaviorlab.models import CopyNumber, InInputOrder, constrain
from behaviorlab.models._constraints import prefix_check
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


# ---------------------------------------------------------------- the count, while decoding

HEAD = '{"parcels":[{"kilos":4,"cm":30},'


def test_a_decoder_check_refuses_a_number_the_input_wrote_fewer_times() -> None:
    check = prefix_check(constrain(ShipmentOnce, ONE_WRITTEN).compiled_constraints)  # type: ignore[attr-defined]
    assert check is not None
    assert check(HEAD + '{"kilos":7,"cm":4')  # 45 may still come
    assert check(HEAD + '{"kilos":7,"cm":45}]}')
    assert check(HEAD + '{"kilos":4')  # it may still be 45
    assert not check(HEAD + '{"kilos":4,')  # 4 is written once and already copied
    assert not check(HEAD + '{"kilos":4}')
    # the place that offers 7 offers 45 for cm: a "3" can only end as the spent 30
    assert not check(HEAD + '{"kilos":7,"cm":3')
    # an item no place can finish from the numbers left is not begun: 30 is spent, and the
    # one line that writes a 3... is the first
    assert not check(HEAD + '{"kilos":3')
    assert check(HEAD + '{"cm":7')  # the second line, fields in either order
    # every written number copied: no further item may begin, the list may end
    both = HEAD + '{"kilos":7,"cm":45}'
    assert not check(both + ",") and not check(both + ",{")
    assert check(both + "]}")
    # an item comes from the previous item's place or a later one, as the grammar has it:
    # after the second line, 30 (the first line) is refused though it was never copied
    three = prefix_check(
        constrain(ShipmentOnce, ONE_WRITTEN + "parcel: 5 kg, 31 cm\n").compiled_constraints  # type: ignore[attr-defined]
    )
    assert three is not None
    second = '{"parcels":[{"kilos":7,"cm":45},{"cm":3'
    assert three(second) and three(second + "1") and not three(second + "0")
    # figures inside strings and outside the list are not copies
    assert check('{"note":"4 kg","parcels":[{"kilos":4,"cm":30}')
    twice = prefix_check(constrain(ShipmentOnce, TWO_WRITTEN).compiled_constraints)  # type: ignore[attr-defined]
    assert twice is not None and twice(HEAD + '{"kilos":4,"cm":30}')
    assert not twice(HEAD + '{"kilos":4,"cm":30},{"kilos":4')


def test_only_a_list_without_reuse_gets_a_decoder_check() -> None:
    assert prefix_check(constrain(Shipment, ONE_WRITTEN).compiled_constraints) is None  # type: ignore[attr-defined]
    check = prefix_check(constrain(ShipmentOnce, ONE_WRITTEN).compiled_constraints)  # type: ignore[attr-defined]
    assert check is not None
    # only a piece with a digit, or one that ends a number, can change the verdict
    assert not check.matters('{"parcels":[{"', "kilos")
    assert check.matters('{"parcels":[{"kilos":', "4")
    assert check.matters('{"parcels":[{"kilos":4', ",")


def test_a_list_that_ends_where_the_input_offers_another_item_is_named() -> None:
    check = prefix_check(constrain(ShipmentOnce, ONE_WRITTEN).compiled_constraints)  # type: ignore[attr-defined]
    assert check is not None
    assert check.could_go_on(_parcels((4, 30))) == [("parcels",)]  # the second line is unread
    assert check.could_go_on(_parcels()) == [("parcels",)]
    assert check.could_go_on(_parcels((4, 30), (7, 45))) == []
    # the input order: after the second line's parcel, the first line cannot follow
    assert check.could_go_on(_parcels((7, 45))) == []
