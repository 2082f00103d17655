"""``models list|show|alias|register|history``: the model registry from the shell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from behaviorlab.cli._common import StoreOpt, err, fail, open_store, out, print_json
from behaviorlab.registry import ModelRegistry, RegistryError

app = typer.Typer(
    help="Model versions, aliases (baseline/candidate/production) and promotion history.",
    no_args_is_help=True,
)


def _when(t: float) -> str:
    return dt.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")


@app.command("list")
def list_cmd(
    name: str | None = typer.Argument(None, help="Only this model name"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """Every registered version with its aliases."""
    reg = ModelRegistry(open_store(db))
    versions = reg.versions(name)
    aliases = {n: reg.aliases(n) for n in {v.name for v in versions}}
    if as_json:
        print_json(
            [
                {
                    **v.model_dump(exclude={"manifest"}),
                    "aliases": [a for a, x in aliases[v.name].items() if x == v.version],
                }
                for v in versions
            ]
        )
        return
    t = Table("model", "version", "kind", "aliases", "data", "created", "path")
    for v in versions:
        data = v.manifest.get("data", {}) if isinstance(v.manifest.get("data"), dict) else {}
        t.add_row(
            v.name,
            str(v.version),
            v.kind,
            ", ".join(sorted(a for a, x in aliases[v.name].items() if x == v.version)),
            str(data.get("hash", ""))[:12] or "-",
            _when(v.created_at),
            v.path,
        )
    out.print(t)


@app.command("show")
def show_cmd(
    ref: str = typer.Argument(..., help="NAME, NAME@VERSION or NAME@ALIAS"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """One version's manifest (data, config, metrics, environment) and the model's decisions."""
    reg = ModelRegistry(open_store(db))
    try:
        mv = reg.get(ref)
    except RegistryError as e:
        fail(str(e))
        return
    decisions = reg.decisions(mv.name)
    if as_json:
        print_json(
            {
                "version": mv.model_dump(),
                "aliases": reg.aliases(mv.name),
                "decisions": [d.model_dump() for d in decisions],
            }
        )
        return
    m = mv.manifest
    out.print(f"[bold]{mv.ref}[/] ({mv.kind})  {mv.path}")
    out.print(f"aliases: {', '.join(f'{a}→{v}' for a, v in sorted(reg.aliases(mv.name).items()))}")
    for key in ("model_id", "method", "base_model"):
        if key in m:
            out.print(f"{key}: {m[key]}")
    if isinstance(m.get("data"), dict):
        d = m["data"]
        out.print(
            f"data: {str(d.get('hash', ''))[:12]} ({d.get('n_examples')} rows) split={d.get('split')} held-out checked={d.get('heldout_checked')}"
        )
    if isinstance(m.get("metrics"), dict):
        met = m["metrics"]
        out.print(
            "metrics: "
            + ", ".join(
                f"{k}={v}"
                for k, v in met.items()
                if isinstance(v, int | float | str) and v is not None
            )
        )
    if isinstance(m.get("environment"), dict):
        env = m["environment"]
        out.print(
            f"environment: {env.get('code_version')} · {env.get('cpu')} ×{env.get('cores')} · gpu={env.get('gpu')} · {env.get('versions')}"
        )
    if isinstance(m.get("seeds"), dict):
        out.print(f"seeds: {m['seeds']}")
    _decisions_table(decisions)


def _decisions_table(decisions: list) -> None:  # type: ignore[type-arg]
    if not decisions:
        out.print("no promotion decisions yet")
        return
    t = Table("when", "alias", "from", "to", "verdict", "moved", "reasons")
    for d in decisions:
        t.add_row(
            _when(d.created_at),
            d.alias,
            str(d.from_version),
            str(d.to_version),
            d.verdict,
            str(d.details.get("moved", "-")),
            "; ".join(d.reasons)[:120],
        )
    out.print(t)


@app.command("history")
def history_cmd(
    name: str = typer.Argument(..., help="Model name"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """Every promotion decision for a model, oldest first."""
    decisions = ModelRegistry(open_store(db)).decisions(name)
    if as_json:
        print_json([d.model_dump() for d in decisions])
        return
    _decisions_table(decisions)


@app.command("alias")
def alias_cmd(
    name: str = typer.Argument(...),
    alias: str = typer.Argument(..., help="baseline, candidate, production, ..."),
    version: int = typer.Argument(...),
    db: str | None = StoreOpt,
) -> None:
    """Point an alias at a version by hand (``promote`` does it behind a gate)."""
    reg = ModelRegistry(open_store(db))
    try:
        reg.set_alias(name, alias, version)
    except RegistryError as e:
        fail(str(e))
    err.print(f"{name}@{alias} → {version}")


@app.command("register")
def register_cmd(
    name: str = typer.Argument(...),
    model: str = typer.Argument(
        ..., help="A provider/model id (llamacpp/smollm2-135m) or a folder/.gguf path"
    ),
    kind: str = typer.Option("base", "--kind"),
    alias: list[str] | None = typer.Option(
        None, "--alias", help="Aliases to point at the new version"
    ),
    db: str | None = StoreOpt,
) -> None:
    """Register an existing model (e.g. the untrained base as ``baseline`` and ``production``)."""
    p = Path(model).expanduser()
    if p.exists():
        path = str(p.resolve())
        model_id = f"llamacpp/{path}" if p.suffix == ".gguf" else f"transformers/{path}"
    else:
        if "/" not in model:
            fail(f"{model!r} is neither a path nor a provider/model id")
        path, model_id = model, model
    reg = ModelRegistry(open_store(db))
    mv = reg.register(name, path, {"model_id": model_id}, kind=kind)
    for a in alias or []:
        reg.set_alias(name, a, mv.version)
    err.print(
        f"registered [bold]{mv.ref}[/] ({kind}) → {model_id}"
        + (f" as {', '.join(alias)}" if alias else "")
    )
