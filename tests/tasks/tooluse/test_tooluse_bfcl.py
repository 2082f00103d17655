from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from behaviorlab.tasks.tooluse import (
    BFCLNotInstalledError,
    _bfcl,
    bfcl_data_files,
    bfcl_version,
    load_bfcl_irrelevance,
)


@pytest.fixture(scope="module")
def bfcl_installed() -> None:
    if bfcl_version() is None:
        pytest.fail("bfcl-eval is not installed: pip install --no-deps bfcl-eval")


@pytest.mark.usefixtures("bfcl_installed")
def test_counts_and_records_from_the_installed_wheel() -> None:
    irrelevance = load_bfcl_irrelevance("irrelevance")
    live = load_bfcl_irrelevance("live_irrelevance")
    assert len(irrelevance) == 240
    assert len(live) == 884
    everything = load_bfcl_irrelevance()
    assert len(everything) == 1124
    assert len({i.id for i in everything}) == 1124
    assert Counter(i.subset for i in everything) == {"irrelevance": 240, "live_irrelevance": 884}
    for item in everything:
        assert item.prompt and item.expected_tool_call is None
        assert item.prompt == [m.content for m in item.messages if m.role == "user"][-1]
        assert all(f.name and isinstance(f.parameters, dict) for f in item.functions)
    # A handful of live items offer no function at all; the rest offer at least one.
    assert sum(not i.functions for i in everything) < 20
    first = irrelevance[0]
    assert first.id == "irrelevance_0"
    assert first.prompt.startswith("Calculate the area of a triangle")
    assert [f.name for f in first.functions] == ["determine_body_mass_index"]
    # Some live items carry a system prompt; the prompt is still the user's message.
    with_system = [i for i in live if i.messages[0].role == "system"]
    assert with_system and all(i.prompt != i.messages[0].content for i in with_system)


@pytest.mark.usefixtures("bfcl_installed")
def test_package_is_not_imported() -> None:
    # in a fresh interpreter: other tests (the BFCL task's checker) import bfcl_eval on purpose
    code = (
        "import sys\n"
        "from behaviorlab.tasks.tooluse import load_bfcl_irrelevance\n"
        "load_bfcl_irrelevance('irrelevance')\n"
        "assert 'bfcl_eval' not in sys.modules, 'bfcl_eval was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.usefixtures("bfcl_installed")
def test_explicit_data_dir(tmp_path: Path) -> None:
    files = bfcl_data_files()
    data_dir = files["irrelevance"].parent
    assert len(load_bfcl_irrelevance("irrelevance", data_dir=data_dir)) == 240
    with pytest.raises(BFCLNotInstalledError, match="no BFCL irrelevance file"):
        load_bfcl_irrelevance(data_dir=tmp_path)
    with pytest.raises(ValueError, match="subset"):
        load_bfcl_irrelevance("simple")  # type: ignore[arg-type]


def test_missing_package_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dist(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(_bfcl.importlib.metadata, "files", no_dist)
    monkeypatch.setattr(_bfcl.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(BFCLNotInstalledError, match="pip install --no-deps bfcl-eval"):
        load_bfcl_irrelevance()


def test_bad_row_names_file_and_line(tmp_path: Path) -> None:
    good = (
        '{"id": "irrelevance_0", "question": [[{"role": "user", "content": "hi"}]], "function": []}'
    )
    (tmp_path / "BFCL_v4_irrelevance.json").write_text(good + "\n" + '{"id": "x"}\n')
    (tmp_path / "BFCL_v4_live_irrelevance.json").write_text("")
    with pytest.raises(ValueError, match=r"BFCL_v4_irrelevance\.json:2"):
        load_bfcl_irrelevance("irrelevance", data_dir=tmp_path)
    assert load_bfcl_irrelevance("live_irrelevance", data_dir=tmp_path) == []
