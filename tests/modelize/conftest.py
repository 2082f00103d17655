from __future__ import annotations

from collections.abc import Callable

import pytest

from behaviorlab.modelize import HTML_LEXER, MARKDOWN_LEXER, FunctionSubject, Grammar, Subject

TINY_MARKDOWN: Grammar = {
    "<start>": [("<block>", {"prob": 0.7}), ("<block>\n\n<block>", {"prob": 0.3})],
    "<block>": [
        "# <text>",
        "## <text>",
        "<text>",
        "*<text>*",
        "**<text>**",
        "- <text>\n- <text>",
        "<text> & <text>",
    ],
    "<text>": ["<word>", "<word> <word>"],
    "<word>": [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "omega",
        "sigma",
        "kappa",
        "lambda",
        "theta",
        "zeta",
        "iota",
        "rho",
    ],
}


def tiny_markdown_subject() -> Subject:
    import markdown

    md = markdown.Markdown()
    return FunctionSubject(
        "tiny-markdown",
        lambda s: md.reset().convert(s),
        TINY_MARKDOWN,
        MARKDOWN_LEXER,
        HTML_LEXER,
        description="Python-Markdown on a tiny grammar",
    )


@pytest.fixture(scope="session")
def tiny_markdown() -> Subject:
    return tiny_markdown_subject()


@pytest.fixture(scope="session")
def tiny_markdown_factory() -> Callable[[], Subject]:
    return tiny_markdown_subject


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():  # type: ignore[no-untyped-def]
    """Tiny models gain nothing from threads, and on a busy CI machine two threads that
    wait on each other made one test 20x slower; restored afterwards."""
    try:
        import torch
    except ImportError:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
