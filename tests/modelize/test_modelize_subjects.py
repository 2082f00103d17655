from __future__ import annotations

import shutil
import sys

import pytest

from behaviorlab.agents import Declined, FunctionAgent
from behaviorlab.modelize import (
    HTML_FAULTS,
    SQL_LEXER,
    TEXT_FAULTS,
    AgentSubject,
    CommandSubject,
    FaultySubject,
    Subject,
    SubjectError,
    faults_for,
    get_subject,
    read_pairs,
    split_pairs,
    subject_names,
    synthesize,
    write_pairs,
)

GRAMMAR = {"<start>": ["<w>", "<w> <w>"], "<w>": ["ab", "cd", "ef"]}


def test_builtin_subjects_run() -> None:
    assert {"markdown", "sql"} <= set(subject_names())
    md = get_subject("markdown")
    assert md.run("# hi *there*") == "<h1>hi <em>there</em></h1>"
    sql = get_subject("sql")
    assert sql.run("SELECT a FROM t LIMIT 3") == "SELECT TOP 3 a FROM t"
    with pytest.raises(SubjectError):
        sql.run("SELECT (((")
    assert md.info().grammar_hash == get_subject("markdown").info().grammar_hash


def test_unknown_and_module_subjects() -> None:
    with pytest.raises(KeyError, match="unknown subject"):
        get_subject("nope")
    s = get_subject("behaviorlab.modelize._subjects:sql_subject")
    assert isinstance(s, Subject) and s.name == "sql"


@pytest.mark.skipif(shutil.which("tr") is None, reason="needs tr")
def test_command_subject_uses_stdin_and_stdout() -> None:
    s = CommandSubject("upper", ["tr", "a-z", "A-Z"], GRAMMAR, SQL_LEXER, SQL_LEXER)
    assert s.run("ab cd") == "AB CD"
    bad = CommandSubject(
        "fail", [sys.executable, "-c", "import sys; sys.exit(3)"], GRAMMAR, SQL_LEXER, SQL_LEXER
    )
    with pytest.raises(SubjectError, match="exited 3"):
        bad.run("x")


def test_agent_subject_and_declines() -> None:
    def answer(text: str) -> str:
        if text == "ef":
            raise Declined("no ef")
        return text[::-1]

    s = AgentSubject("rev", FunctionAgent(answer), GRAMMAR, SQL_LEXER, SQL_LEXER)
    assert s.run("ab cd") == "dc ba"
    with pytest.raises(SubjectError, match="declined"):
        s.run("ef")
    res = synthesize(s, 20, seed=0)
    assert res.failures == 1  # "ef" was drawn once and skipped
    assert all(p.output == p.input[::-1] for p in res.pairs)


def test_synthesis_splits_are_disjoint_and_saved(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sets = split_pairs(get_subject("markdown"), {"train": 200, "test": 100}, seed=1)
    assert len(sets["train"]) == 200 and len(sets["test"]) == 100
    assert not {p.input for p in sets["train"]} & {p.input for p in sets["test"]}
    path = tmp_path / "pairs.jsonl"
    write_pairs(sets["test"], path)
    assert read_pairs(path) == sets["test"]


def test_faulty_subject_breaks_outputs() -> None:
    md = get_subject("markdown")
    assert faults_for(md) is HTML_FAULTS and faults_for(get_subject("sql")) is TEXT_FAULTS
    broken = FaultySubject(md, HTML_FAULTS["swapped_tags"])
    assert broken.run("*a*") == "<p><strong>a</strong></p>"
    assert broken.run("a") == "<p>a</p>"  # nothing to swap: output unchanged


def test_without_torch_the_package_imports_and_model_use_says_what_to_install() -> None:
    import subprocess

    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import behaviorlab.modelize as m\n"
        "assert m.get_subject('markdown').run('# a') == '<h1>a</h1>'\n"
        "try:\n"
        "    m.BehaviorModel.fit([m.Pair(input='a', output='b')], src_lexer=m.MARKDOWN_LEXER, tgt_lexer=m.HTML_LEXER)\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'behaviorlab[modelize]'" in done.stdout


def test_synthesis_from_given_inputs() -> None:
    res = synthesize(
        get_subject("markdown"), 5, inputs=["# a", "# a", "*b*", "c", "d"], exclude=["c"]
    )
    assert [(p.input, p.output) for p in res.pairs] == [
        ("# a", "<h1>a</h1>"),
        ("*b*", "<p><em>b</em></p>"),
        ("d", "<p>d</p>"),
    ]
