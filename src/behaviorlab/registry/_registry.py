"""Model registry: versioned artifacts (weights, adapters, behaviour models) with aliases."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import and_, func, insert, select, update

from behaviorlab.store import Store
from behaviorlab.store import schema as s


class RegistryError(LookupError):
    pass


class ModelVersion(BaseModel):
    name: str
    version: int
    kind: str
    path: str
    manifest: dict[str, Any] = Field(default_factory=dict)
    created_at: float = 0.0

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


class Decision(BaseModel):
    name: str
    alias: str
    from_version: int | None
    to_version: int
    verdict: str
    reasons: list[str]
    details: dict[str, Any] = Field(default_factory=dict)
    created_at: float = 0.0


class ModelRegistry:
    """Rows live in the store; the artifacts stay where they were written (``path``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def register(
        self, name: str, path: str | Path, manifest: dict[str, Any], kind: str
    ) -> ModelVersion:
        with self.store.engine.begin() as conn:
            last = conn.execute(
                select(func.max(s.model_versions.c.version)).where(s.model_versions.c.name == name)
            ).scalar()
            mv = ModelVersion(
                name=name,
                version=(last or 0) + 1,
                kind=kind,
                path=str(Path(path).resolve()),
                manifest=manifest,
                created_at=time.time(),
            )
            conn.execute(
                insert(s.model_versions).values(
                    name=mv.name,
                    version=mv.version,
                    kind=mv.kind,
                    path=mv.path,
                    manifest=json.dumps(mv.manifest, default=str),
                    created_at=mv.created_at,
                )
            )
        return mv

    def versions(self, name: str | None = None) -> list[ModelVersion]:
        q = select(s.model_versions).order_by(s.model_versions.c.name, s.model_versions.c.version)
        if name:
            q = q.where(s.model_versions.c.name == name)
        with self.store.engine.connect() as conn:
            return [_mv(r) for r in conn.execute(q).mappings()]

    def get(self, ref: str) -> ModelVersion:
        """``name@3``, ``name@production`` or ``name`` (latest)."""
        name, _, sel = ref.partition("@")
        with self.store.engine.connect() as conn:
            if sel and not sel.isdigit():
                v = conn.execute(
                    select(s.model_aliases.c.version).where(
                        and_(s.model_aliases.c.name == name, s.model_aliases.c.alias == sel)
                    )
                ).scalar()
                if v is None:
                    raise RegistryError(f"model {name!r} has no alias {sel!r}")
            elif sel:
                v = int(sel)
            else:
                v = conn.execute(
                    select(func.max(s.model_versions.c.version)).where(
                        s.model_versions.c.name == name
                    )
                ).scalar()
            row = (
                conn.execute(
                    select(s.model_versions).where(
                        and_(s.model_versions.c.name == name, s.model_versions.c.version == v)
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            raise RegistryError(f"no model {ref!r} in the registry")
        return _mv(row)

    def aliases(self, name: str) -> dict[str, int]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(s.model_aliases.c.alias, s.model_aliases.c.version).where(
                    s.model_aliases.c.name == name
                )
            )
            return {a: v for a, v in rows}

    def set_alias(self, name: str, alias: str, version: int) -> None:
        self.get(f"{name}@{version}")
        now = time.time()
        with self.store.engine.begin() as conn:
            done = conn.execute(
                update(s.model_aliases)
                .where(and_(s.model_aliases.c.name == name, s.model_aliases.c.alias == alias))
                .values(version=version, updated_at=now)
            ).rowcount
            if not done:
                conn.execute(
                    insert(s.model_aliases).values(
                        name=name, alias=alias, version=version, updated_at=now
                    )
                )

    def record_decision(self, d: Decision) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(
                insert(s.decisions).values(
                    name=d.name,
                    alias=d.alias,
                    from_version=d.from_version,
                    to_version=d.to_version,
                    verdict=d.verdict,
                    reasons=json.dumps(d.reasons),
                    details=json.dumps(d.details, default=str),
                    created_at=d.created_at or time.time(),
                )
            )

    def decisions(self, name: str | None = None) -> list[Decision]:
        q = select(s.decisions).order_by(s.decisions.c.created_at)
        if name:
            q = q.where(s.decisions.c.name == name)
        with self.store.engine.connect() as conn:
            return [
                Decision(
                    name=r["name"],
                    alias=r["alias"],
                    from_version=r["from_version"],
                    to_version=r["to_version"],
                    verdict=r["verdict"],
                    reasons=json.loads(r["reasons"]),
                    details=json.loads(r["details"]),
                    created_at=r["created_at"],
                )
                for r in conn.execute(q).mappings()
            ]


def _mv(r: Any) -> ModelVersion:
    return ModelVersion(
        name=r["name"],
        version=r["version"],
        kind=r["kind"],
        path=r["path"],
        manifest=json.loads(r["manifest"]),
        created_at=r["created_at"],
    )
