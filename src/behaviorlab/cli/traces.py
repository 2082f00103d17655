"""``behaviorlab traces list|show``: browse recorded runs as span trees."""

from __future__ import annotations

import time

import typer
from rich.table import Table
from rich.tree import Tree

from behaviorlab.cli._common import StoreOpt, fail, open_store, out, print_json
from behaviorlab.trace import SpanRecord

app = typer.Typer(help="Browse recorded traces.", no_args_is_help=True)


def _short(text: str | None, width: int) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("list")
def list_cmd(
    limit: int = typer.Option(20, "--limit", "-n"),
    name: str | None = typer.Option(
        None, "--name", help="Only root spans whose name contains this"
    ),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """Newest runs first, with tokens, cost and LLM/tool call counts."""
    store = open_store(db)
    roots = store.list_traces(limit=limit, name=name)
    totals = store.trace_totals([r.trace_id for r in roots])
    if as_json:
        print_json([{**_span_json(r), "totals": totals[r.trace_id]} for r in roots])
        return
    t = Table(title=f"traces in {store.url}")
    for col in (
        "trace",
        "when",
        "name",
        "status",
        "ms",
        "llm",
        "tools",
        "tokens",
        "cost $",
        "output",
    ):
        t.add_column(col)
    for r in roots:
        tt = totals[r.trace_id]
        t.add_row(
            r.trace_id[:12],
            time.strftime("%m-%d %H:%M:%S", time.localtime(r.start_ns / 1e9)),
            r.name,
            r.status,
            f"{r.duration_ms:.1f}",
            str(int(tt["llm"])),
            str(int(tt["tool"])),
            str(int(tt["input_tokens"] + tt["output_tokens"])),
            f"{tt['cost_usd']:.5f}",
            _short(r.output or r.error, 30),
        )
    out.print(t)


@app.command("show")
def show_cmd(
    trace_id: str = typer.Argument(..., help="Trace id or prefix"),
    full: bool = typer.Option(False, "--full", help="Show whole inputs and outputs"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """One run as a tree: agent → steps → LLM and tool calls, with inputs, outputs, tokens, latency, cost."""
    store = open_store(db)
    spans = store.trace_spans(trace_id)
    if not spans:
        fail(f"no trace {trace_id!r} in {store.url}")
    if len({s.trace_id for s in spans}) > 1:
        fail(f"{trace_id!r} matches several traces; give more of the id")
    if as_json:
        print_json([_span_json(s) for s in spans])
        return
    width = 10_000 if full else 100
    children: dict[str | None, list[SpanRecord]] = {}
    for s in spans:
        children.setdefault(s.parent_id, []).append(s)
    ids = {s.span_id for s in spans}
    roots = [s for s in spans if s.parent_id is None or s.parent_id not in ids]
    tree = Tree(f"[bold]trace {spans[0].trace_id}")

    def add(node: Tree, s: SpanRecord) -> None:
        colour = {"agent": "cyan", "llm": "magenta", "tool": "yellow", "anomaly": "red"}.get(
            s.kind, "white"
        )
        bits = [f"[{colour}]{s.name}[/]", f"{s.duration_ms:.1f} ms"]
        if s.input_tokens or s.output_tokens:
            bits.append(f"tokens {s.input_tokens}+{s.output_tokens}")
        if s.cost_usd:
            bits.append(f"${s.cost_usd:.5f}")
        if s.cpu_s:
            bits.append(f"cpu {s.cpu_s:.2f}s")
        if s.status != "ok":
            bits.append(f"[red]{s.status}: {_short(s.error, width)}[/]")
        branch = node.add("  ".join(bits))
        if s.input:
            branch.add(f"[dim]in:[/] {_short(s.input, width)}")
        if s.output:
            branch.add(f"[dim]out:[/] {_short(s.output, width)}")
        for c in children.get(s.span_id, []):
            add(branch, c)

    for r in roots:
        add(tree, r)
    out.print(tree)


def _span_json(s: SpanRecord) -> dict[str, object]:
    return {
        "span_id": s.span_id,
        "trace_id": s.trace_id,
        "parent_id": s.parent_id,
        "name": s.name,
        "kind": s.kind,
        "start_ns": s.start_ns,
        "duration_ms": s.duration_ms,
        "status": s.status,
        "error": s.error,
        "input": s.input,
        "output": s.output,
        "input_tokens": s.input_tokens,
        "output_tokens": s.output_tokens,
        "cost_usd": s.cost_usd,
        "cpu_s": s.cpu_s,
        "attributes": s.attributes,
    }
