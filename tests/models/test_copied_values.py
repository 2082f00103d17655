"""``CopiedValueCheck``: a tool-call argument value begun as a copy of the user's text is
finished as one; values begun otherwise, and values the schema decides, are left alone."""

from __future__ import annotations

from behaviorlab.models import ToolSpec
from behaviorlab.models._toolcalls import CopiedValueCheck, tool_call_text, written_numbers

COURT = ToolSpec(
    name="case_status",
    description="The status of a court case.",
    parameters={
        "type": "object",
        "properties": {
            "court": {"type": "string"},
            "case_number": {"type": "string"},
            "amount": {"type": "integer"},
            "rate": {"type": "number"},
            "kind": {"type": "string", "enum": ["civil", "criminal"]},
            "history": {"type": "boolean"},
            "parties": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["court"],
    },
)
REQUEST = "Status of case XY1234 in Los Angeles County Court? The claim is $400,000 at 4.5%."


def head(args: str) -> str:
    return f'<tool_call>{{"name": "case_status", "arguments": {{{args}'


def test_written_numbers_read_thousands_separators_and_leave_lists_apart():
    assert written_numbers("a loan of $400,000 at 4% for 15, 20 and 30 years") == {
        "400000",
        "4",
        "15",
        "20",
        "30",
    }
    assert written_numbers("for 1,5 and 10 years; 1,234,567.25 in all") == {
        "1",
        "5",
        "10",
        "1234567.25",
    }


def test_a_string_begun_as_a_copy_must_stay_one_and_may_end_anywhere():
    check = CopiedValueCheck([COURT], REQUEST, commit=3)
    w = head('"court": "Los')
    assert check.matters(w, " An")
    assert check.admits(w, w + " Angeles")
    assert check.admits(w, w + " angeles county")  # case aside
    assert not check.admits(w, w + "t")  # "Lost" is written nowhere
    assert not check.admits(w, w + 'ers"')  # closing it on "Losers" is no copy either
    assert check.admits(w, w + '", ')  # ending early is the model's choice
    # fewer characters than ``commit``: not begun as a copy yet, anything goes
    short = head('"court": "Lo')
    assert not check.matters(short, "x") and check.admits(short, short + "x")
    # begun as no copy: the model's to write
    other = head('"court": "Superior')
    assert not check.matters(other, " Court") and check.admits(other, other + " Court")


def test_numbers_must_begin_a_written_number_once_begun_as_one():
    check = CopiedValueCheck([COURT], REQUEST)
    w = head('"court": "Los Angeles", "amount": 4000')
    assert check.admits(w, w + "0") and check.admits(w, w + "00}")
    assert not check.admits(w, w + "000")  # 4000000 is not written: $400,000 is
    assert check.admits(w, w + "}")  # 4000 ends a prefix of 400000: allowed to end
    rate = head('"court": "Los Angeles", "rate": 4')
    assert check.admits(rate, rate + ".5") and not check.admits(rate, rate + ".7")
    # a number that begins no written one (0.045 for 4.5%) is not held
    fraction = head('"court": "Los Angeles", "rate": 0')
    assert not check.matters(fraction, ".") and check.admits(fraction, fraction + ".045")


def test_choices_flags_and_text_outside_a_call_are_not_checked():
    check = CopiedValueCheck([COURT], REQUEST)
    enum = head('"court": "Los Angeles", "kind": "civ')
    assert not check.matters(enum, "il")
    assert not check.matters("Sorry, nothing fits Los", " Angeles")
    done = tool_call_text("case_status", {"court": "Los Angeles"}) + "\n"
    assert not check.matters(done, "<tool")
    unknown = '<tool_call>{"name": "nope", "arguments": {"court": "Los'
    assert not check.matters(unknown, "t")


def test_array_items_are_held_like_values():
    check = CopiedValueCheck([COURT], REQUEST)
    w = head('"court": "Los Angeles", "parties": ["XY1')
    assert check.admits(w, w + "234")
    assert not check.admits(w, w + "9")


def test_a_call_of_copied_values_passes_at_every_prefix():
    """The check never refuses a call whose values the request writes, wherever the decode
    splits it into pieces."""
    check = CopiedValueCheck([COURT], REQUEST, commit=1)
    call = tool_call_text(
        "case_status",
        {"court": "Los Angeles County Court", "case_number": "XY1234", "amount": 400000},
    )
    for i in range(len(call)):
        for j in range(i + 1, min(len(call), i + 6) + 1):
            assert check.admits(call[:i], call[:j]), (call[:i], call[i:j])


def test_escaped_characters_are_read_as_what_they_stand_for():
    shell = ToolSpec(
        name="run",
        description="Run a command.",
        parameters={"type": "object", "properties": {"command": {"type": "string"}}},
    )
    check = CopiedValueCheck([shell], 'Please run: echo "a<b"\nthen dir C:\\temp', commit=3)
    w = '<tool_call>{"name": "run", "arguments": {"command": "echo \\"a'
    assert check.admits(w, w + '\\u003cb\\""')  # "<" as the grammar writes it
    assert not check.admits(w, w + "\\u003ex")
    w = '<tool_call>{"name": "run", "arguments": {"command": "dir C:'
    assert check.admits(w, w + "\\\\temp") and not check.admits(w, w + "\\\\tmp")


def test_whole_numbers_end_only_where_the_request_writes_one():
    check = CopiedValueCheck([COURT], REQUEST, whole_numbers=True)
    w = head('"court": "Los Angeles", "amount": 400')
    assert not check.admits(w, w + "}")  # 400 for "$400,000"
    assert check.admits(w, w + "0") and check.admits(w, w + "000}")
    rate = head('"court": "Los Angeles", "rate": 4.5')
    assert check.admits(rate, rate + ", ")
    loose = CopiedValueCheck([COURT], REQUEST)
    assert loose.admits(w, w + "}")
