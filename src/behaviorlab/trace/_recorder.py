"""The recorder: nests spans, buffers finished ones and writes them in batches."""

from __future__ import annotations

import functools
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from behaviorlab.trace import _context
from behaviorlab.trace._span import Span, SpanRecord, new_id

F = TypeVar("F", bound=Callable[..., Any])


class SpanExporter(Protocol):
    def export(self, spans: list[SpanRecord]) -> None: ...


class SpanSink(Protocol):
    """Where a recorder writes its spans: the trace store (``behaviorlab.store.Store``), or
    anything else with this method (a Ray worker collects them in a list)."""

    def write_spans(self, records: list[SpanRecord], /) -> None: ...


class Recorder:
    """Records spans for everything that runs inside ``with recorder:``.

    Finished spans are buffered and written ``batch_size`` at a time, and whenever a
    root span (a whole agent run) ends, so a finished run is durable even if the
    process is killed right after it.
    """

    def __init__(
        self,
        store: SpanSink | None = None,
        *,
        batch_size: int = 512,
        flush_on_root: bool = True,
        exporters: list[SpanExporter] | None = None,
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.flush_on_root = flush_on_root
        self.exporters = list(exporters or [])
        self._buffer: list[SpanRecord] = []
        self._lock = threading.Lock()
        # activation tokens per thread: one recorder may be active in many worker threads
        self._local = threading.local()

    # activation -----------------------------------------------------------
    def __enter__(self) -> Recorder:
        stack = getattr(self._local, "tokens", None)
        if stack is None:
            stack = self._local.tokens = []
        stack.append(_context._recorder.set(self))
        return self

    def __exit__(self, *exc: object) -> None:
        _context._recorder.reset(self._local.tokens.pop())
        if not self._local.tokens:
            self.flush()

    @contextmanager
    def active(self) -> Iterator[Recorder]:
        with self:
            yield self

    # spans ---------------------------------------------------------------
    @contextmanager
    def span(
        self,
        name: str,
        *,
        kind: str = "other",
        attributes: dict[str, Any] | None = None,
        trace_id: str | None = None,
    ) -> Iterator[Span]:
        parent = _context._span.get()
        if parent is not None and parent.trace_id:
            tid, pid = parent.trace_id, parent.span_id
        else:
            tid, pid = trace_id or new_id(16), None
        record = SpanRecord(
            span_id=new_id(),
            trace_id=tid,
            parent_id=pid,
            name=name,
            kind=kind,
            start_ns=time.time_ns(),
            attributes=dict(attributes) if attributes else {},
        )
        s = Span(record)
        token = _context._span.set(s)
        rec_token = _context._recorder.set(self)
        try:
            yield s
        except BaseException as e:
            s.set_error(e)
            raise
        finally:
            _context._recorder.reset(rec_token)
            _context._span.reset(token)
            s.end()
            self._finish(record, is_root=pid is None)

    def trace(self, name: str | None = None, kind: str = "workflow") -> Callable[[F], F]:
        """Decorator: each call becomes a span (arguments in, result out) on this recorder."""

        def deco(fn: F) -> F:
            inner = traced(name or fn.__qualname__, kind)(fn)

            @functools.wraps(fn)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return inner(*args, **kwargs)

            return wrapper  # type: ignore[return-value]

        return deco

    # buffering -----------------------------------------------------------
    def _finish(self, record: SpanRecord, *, is_root: bool) -> None:
        with self._lock:
            self._buffer.append(record)
            full = len(self._buffer) >= self.batch_size
        if full or (is_root and self.flush_on_root):
            self.flush()

    def flush(self) -> None:
        with self._lock:
            batch, self._buffer = self._buffer, []
        if not batch:
            return
        if self.store is not None:
            try:
                self.store.write_spans(batch)
            except Exception:
                # keep the spans for the next flush rather than lose them
                with self._lock:
                    self._buffer[:0] = batch
                raise
        for exporter in self.exporters:
            try:
                exporter.export(batch)
            except Exception as e:  # an unreachable collector must not stop the run
                warnings.warn(f"span export failed: {e}", RuntimeWarning, stacklevel=2)

    @property
    def pending(self) -> int:
        return len(self._buffer)


def traced(name: str | None = None, kind: str = "workflow") -> Callable[[F], F]:
    """Decorator recording on whichever recorder is active when the function is called."""

    def deco(fn: F) -> F:
        span_name = name or fn.__qualname__

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _context.span(span_name, kind=kind) as s:
                s.set_input({"args": args, "kwargs": kwargs})
                out = fn(*args, **kwargs)
                s.set_output(out)
                return out

        return wrapper  # type: ignore[return-value]

    return deco
