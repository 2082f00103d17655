"""Pure reasoning: explain, review, design. Running code adds nothing to these answers.

Some prompts contain code on purpose: an agent that executes code it was only asked to read
or review is over-using its tools.
"""

from __future__ import annotations

import random

from ._answers_explain import CONCEPT_ANSWERS, DIFFERENCE_ANSWERS, TERM_ANSWERS
from ._answers_review import (
    COMPLEXITY_ANSWERS,
    CONCERN_ANSWERS,
    CONCURRENCY_ANSWERS,
    READABILITY_ANSWERS,
    REGEX_ANSWERS,
    SCHEMA_ANSWERS,
    SCHEMA_EXTRA_ANSWERS,
    SECURITY_ANSWERS,
    SYSTEM_ANSWERS,
)
from ._template import Draft, Template, code_block, pick, template

_WHY_EXPLAIN = (
    "Explaining a concept needs knowledge, not computation; no tool call can produce the "
    "explanation, so the agent should answer directly."
)
_WHY_READ = (
    "The question is about what the code means or how it is built, answered by reading it; "
    "executing it would not answer the question."
)
_WHY_DESIGN = (
    "A design answer is judgement and trade-offs; there is nothing to compute or run, so the "
    "agent should answer directly."
)

# (concept, keywords a correct explanation mentions)
_CONCEPTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a list comprehension", ("list", "expression|iterate|loop")),
    ("a decorator", ("function", "wrap")),
    ("a generator", ("yield", "lazy|on demand|one at a time")),
    ("a context manager", ("with", "__enter__|__exit__|clean")),
    ("duck typing", ("type", "method|behavio")),
    ("the global interpreter lock (GIL)", ("thread", "lock|one thread")),
    ("a virtual environment", ("package|dependenc", "isolat|separate")),
    ("a lambda expression", ("anonymous", "function")),
    ("the `self` parameter in a method", ("instance", "object")),
    ("the `__init__` method", ("initiali", "instance|object")),
    ("an f-string", ("format", "string")),
    ("slicing", ("start", "stop|end")),
    ("a dictionary", ("key", "value")),
    ("a set", ("unique|duplicate", "unordered|order")),
    ("exception handling with try/except", ("exception|error", "except")),
    ("a closure", ("function", "variable|scope|enclos")),
    ("type hints", ("type", "annotat|checker|mypy")),
    ("the `if __name__ == '__main__'` idiom", ("import", "script|run")),
    ("unpacking with `*args` and `**kwargs`", ("argument", "keyword")),
    ("a docstring", ("document", "string")),
)

_PAIRS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("a list", "a tuple", ("mutable|immutable",)),
    ("`==`", "`is`", ("equal", "identity|same object")),
    ("a shallow copy", "a deep copy", ("nested|inner", "copy")),
    ("a process", "a thread", ("memory", "share")),
    ("`append`", "`extend`", ("element|item", "iterable|each")),
    ("`sort()`", "`sorted()`", ("in place", "new list")),
    ("an abstract class", "an interface", ("implement", "method")),
    ("a stack", "a queue", ("lifo|last in", "fifo|first in")),
    ("TCP", "UDP", ("reliab|order", "connection")),
    ("a compiler", "an interpreter", ("translat|machine code", "run|execut")),
    ("`git merge`", "`git rebase`", ("history", "commit")),
    ("unit tests", "integration tests", ("isolat|single", "together|component")),
    ("authentication", "authorization", ("who|identity", "permission|allowed|access")),
    ("SQL `WHERE`", "SQL `HAVING`", ("group", "aggregate|filter")),
    ("a `range`", "a list", ("lazy|memory", "sequence|number")),
)

_HTTP: tuple[tuple[int, tuple[str, ...]], ...] = (
    (200, ("ok|success",)),
    (201, ("created",)),
    (204, ("no content",)),
    (301, ("moved|redirect", "permanent")),
    (302, ("found|redirect", "temporar")),
    (304, ("not modified", "cache")),
    (400, ("bad request|malformed|invalid",)),
    (401, ("unauthori|authenticat",)),
    (403, ("forbidden|permission",)),
    (404, ("not found",)),
    (405, ("method",)),
    (409, ("conflict",)),
    (429, ("too many|rate",)),
    (500, ("server", "error")),
    (502, ("gateway|proxy|upstream",)),
    (503, ("unavailable|overload|maintenance",)),
)

_TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("idempotent", ("same result|same effect|repeat",)),
    ("race condition", ("concurren|thread|simultaneous", "order|timing")),
    ("technical debt", ("shortcut|quick", "later|cost")),
    ("memoization", ("cache|store", "result")),
    ("dependency injection", ("depend", "pass|provide|inject")),
    ("refactoring", ("structure", "behavio")),
    ("a regression", ("previously|used to|again", "bug|break")),
    ("continuous integration", ("merge|commit", "test|build")),
    ("a memory leak", ("memory", "release|free|never")),
    ("an off-by-one error", ("boundary|one too|index|loop",)),
    ("semantic versioning", ("major", "minor|patch")),
    ("a deadlock", ("wait", "lock|each other")),
    ("lazy evaluation", ("delay|when needed|on demand",)),
    ("a pure function", ("side effect", "same input|same output|same result")),
    ("big-O notation", ("grow|scale", "input size|size of the input|input grows|o(")),
)

_GIT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("stash", ("save|shelve|temporar", "working|change")),
    ("cherry-pick", ("commit", "apply")),
    ("bisect", ("binary search", "commit|bug")),
    ("reset --hard", ("discard|lose", "commit|head")),
    ("revert", ("new commit", "undo|invert")),
    ("fetch", ("download|remote", "without merg|not merg|doesn't merge|does not merge")),
    ("rebase -i", ("interactive", "squash|reorder|edit")),
    ("reflog", ("history|log", "head|reference")),
    ("blame", ("line", "author|commit|who")),
    ("clean -fd", ("untracked", "remove|delete")),
    ("tag -a", ("annotated|tag", "release|version|commit")),
    ("worktree add", ("working tree|directory", "branch")),
)


@template(
    "concept",
    category="reasoning",
    difficulty="easy",
    subcategory="explain",
    optimal=("answer_directly",),
)
def _concept(rng: random.Random) -> Draft:
    concept, kws = pick(rng, _CONCEPTS)
    form = pick(
        rng,
        (
            "Explain what {c} is in Python.",
            "Can you explain {c} in Python to a beginner?",
            "In a few sentences, what is {c} in Python and when would I use it?",
            "I keep hearing about {c} in Python. What is it?",
        ),
    )
    answer = CONCEPT_ANSWERS[concept]
    return Draft(form.format(c=concept), None, "none", _WHY_EXPLAIN, kws, answer=answer)


@template(
    "difference",
    category="reasoning",
    difficulty="easy",
    subcategory="explain",
    optimal=("answer_directly",),
)
def _difference(rng: random.Random) -> Draft:
    a, b, kws = pick(rng, _PAIRS)
    answer = DIFFERENCE_ANSWERS[(a, b)]
    if rng.random() < 0.5:
        a, b = b, a
    form = pick(
        rng,
        (
            "What is the difference between {a} and {b}?",
            "How does {a} differ from {b}?",
            "Briefly compare {a} with {b}.",
            "When should I use {a} rather than {b}?",
        ),
    )
    return Draft(form.format(a=a, b=b), None, "none", _WHY_EXPLAIN, kws, answer=answer)


@template(
    "http_status",
    category="reasoning",
    difficulty="easy",
    subcategory="explain",
    optimal=("answer_directly",),
)
def _http_status(rng: random.Random) -> Draft:
    code, kws = pick(rng, _HTTP)
    form = pick(
        rng,
        (
            "What does HTTP status code {c} mean?",
            "My API returned a {c}. What is the server telling me?",
            "Explain the HTTP {c} response status.",
        ),
    )
    return Draft(form.format(c=code), None, "none", _WHY_EXPLAIN, kws)


@template(
    "term",
    category="reasoning",
    difficulty="easy",
    subcategory="explain",
    optimal=("answer_directly",),
)
def _term(rng: random.Random) -> Draft:
    term, kws = pick(rng, _TERMS)
    form = pick(
        rng,
        (
            "In a sentence or two, what does '{t}' mean in software engineering?",
            "Define {t} as a programmer would use the term.",
            "What do developers mean by {t}? Give a short example.",
        ),
    )
    return Draft(form.format(t=term), None, "none", _WHY_EXPLAIN, kws, answer=TERM_ANSWERS[term])


@template(
    "git_command",
    category="reasoning",
    difficulty="easy",
    subcategory="explain",
    optimal=("answer_directly",),
    heldout=True,
)
def _git_command(rng: random.Random) -> Draft:
    cmd, kws = pick(rng, _GIT)
    form = pick(
        rng,
        (
            "What does `git {c}` do?",
            "Explain when you would run `git {c}`.",
            "A colleague told me to run `git {c}`. What will it do to my repository?",
        ),
    )
    return Draft(form.format(c=cmd), None, "none", _WHY_EXPLAIN, kws)


def _names(rng: random.Random) -> tuple[str, str, str]:
    fn = pick(rng, ("process", "check", "find_pairs", "scan", "handle", "compute", "run_it"))
    xs = pick(rng, ("items", "values", "data", "xs", "records", "nums"))
    x = pick(rng, ("x", "v", "item", "n", "e"))
    return fn, xs, x


def _complexity_code(rng: random.Random) -> tuple[str, tuple[str, ...], int]:
    fn, xs, x = _names(rng)
    kind = rng.randrange(5)
    if kind == 0:
        code = (
            f"def {fn}({xs}, target):\n    for i in range(len({xs})):\n"
            f"        for j in range(i + 1, len({xs})):\n"
            f"            if {xs}[i] + {xs}[j] == target:\n                return i, j\n    return None"
        )
        return code, ("O(n^2)|O(n²)|quadratic|n squared",), kind
    if kind == 1:
        code = (
            f"def {fn}({xs}, target):\n    lo, hi = 0, len({xs}) - 1\n    while lo <= hi:\n"
            f"        mid = (lo + hi) // 2\n        if {xs}[mid] == target:\n            return mid\n"
            f"        if {xs}[mid] < target:\n            lo = mid + 1\n        else:\n"
            f"            hi = mid - 1\n    return -1"
        )
        return code, ("O(log n)|logarithmic", "half|halv|binary"), kind
    if kind == 2:
        code = (
            f"def {fn}({xs}):\n    seen = set()\n    for {x} in {xs}:\n        if {x} in seen:\n"
            f"            return True\n        seen.add({x})\n    return False"
        )
        return code, ("O(n)|linear", "set|hash"), kind
    if kind == 3:
        code = (
            f"def {fn}({xs}):\n    out = []\n    for {x} in {xs}:\n        if {x} not in out:\n"
            f"            out.append({x})\n    return out"
        )
        return (
            code,
            ("O(n^2)|O(n²)|quadratic|n squared", "list|in out|membership|linear scan"),
            kind,
        )
    code = (
        f"def {fn}({xs}):\n    {xs} = sorted({xs})\n    best = None\n"
        f"    for a, b in zip({xs}, {xs}[1:]):\n        if best is None or b - a < best:\n"
        f"            best = b - a\n    return best"
    )
    return code, ("O(n log n)|n log n", "sort"), kind


@template(
    "complexity",
    category="reasoning",
    difficulty="intermediate",
    subcategory="review",
    optimal=("answer_directly",),
)
def _complexity(rng: random.Random) -> Draft:
    code, kws, kind = _complexity_code(rng)
    form = pick(
        rng,
        (
            "What is the time complexity of this function, and why?\n\n{c}",
            "Without running it, tell me the big-O running time of this code:\n\n{c}",
            "How does the running time of this function grow with the input size?\n\n{c}",
        ),
    )
    answer = COMPLEXITY_ANSWERS[kind]
    return Draft(form.format(c=code_block(code)), None, "none", _WHY_READ, kws, answer=answer)


@template(
    "readability_review",
    category="reasoning",
    difficulty="intermediate",
    subcategory="review",
    optimal=("answer_directly",),
)
def _readability_review(rng: random.Random) -> Draft:
    f = pick(rng, ("f", "do", "calc", "proc", "x1"))
    a = pick(rng, ("l", "d", "a", "tmp", "lst"))
    k = rng.randint(2, 9)
    bodies = (
        f"def {f}({a}):\n    r = []\n    for i in range(len({a})):\n"
        f"        if {a}[i] % {k} == 0:\n            r.append({a}[i] * {a}[i])\n    return r",
        f"def {f}({a}, t):\n    c = 0\n    for i in range(0, len({a})):\n"
        f"        if {a}[i] > t:\n            c = c + 1\n    if c > {k}:\n        return True\n"
        f"    else:\n        return False",
        f"def {f}({a}):\n    s = 0\n    n = 0\n    for i in range(len({a})):\n"
        f"        s += {a}[i]\n        n += 1\n    return s / n",
    )
    which = rng.randrange(len(bodies))  # the draw ``pick`` makes; the index keys the answer
    body = bodies[which]
    form = pick(
        rng,
        (
            "Review this function for readability. What would you change?\n\n{c}",
            "Give me code-review comments on this Python function (style, naming, clarity):\n\n{c}",
            "How could this function be written more idiomatically?\n\n{c}",
        ),
    )
    kws = ("name|naming", "range(len|enumerate|iterate directly|comprehension|sum(|any(")
    answer = READABILITY_ANSWERS[which].format(f=f, a=a, k=k)
    return Draft(form.format(c=code_block(body)), None, "none", _WHY_READ, kws, answer=answer)


_TRADEOFFS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("SQLite", "PostgreSQL", "a single-user desktop app", ("file|embedded|server", "concurren")),
    ("REST", "GraphQL", "a mobile app with many screens", ("endpoint", "query|over-fetch|fetch")),
    (
        "threads",
        "asyncio",
        "downloading 500 web pages",
        ("I/O|io-bound|network", "event loop|await"),
    ),
    ("a list", "collections.deque", "a FIFO queue", ("pop(0)|popleft", "O(1)|O(n)|constant")),
    (
        "JSON",
        "Protocol Buffers",
        "messages between internal services",
        ("schema", "size|binary|fast"),
    ),
    (
        "a monorepo",
        "many small repositories",
        "a team of 12 engineers",
        ("version|dependenc", "tooling|ci|build"),
    ),
    (
        "server-side rendering",
        "a single-page app",
        "a content-heavy marketing site",
        ("seo|search", "load|javascript"),
    ),
    ("Redis", "Memcached", "a session cache", ("persist|data structure", "simple|memory")),
    (
        "optimistic locking",
        "pessimistic locking",
        "an inventory service",
        ("conflict", "lock|retry|version"),
    ),
    (
        "cron jobs",
        "a message queue",
        "sending order confirmation emails",
        ("retry|failure", "schedul|event"),
    ),
)


@template(
    "tradeoff",
    category="reasoning",
    difficulty="intermediate",
    subcategory="explain",
    optimal=("answer_directly",),
)
def _tradeoff(rng: random.Random) -> Draft:
    a, b, use, kws = pick(rng, _TRADEOFFS)
    if rng.random() < 0.5:
        a, b = b, a
    form = pick(
        rng,
        (
            "For {u}, would you pick {a} or {b}? Explain the trade-offs.",
            "Compare {a} and {b} for {u}. Which would you choose and why?",
            "What are the pros and cons of {a} versus {b} for {u}?",
        ),
    )
    return Draft(form.format(a=a, b=b, u=use), None, "none", _WHY_DESIGN, kws)


def _gotcha(rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    kind = rng.randrange(4)
    w = pick(rng, ("apple", "pear", "fig", "kiwi", "plum"))
    n = rng.randint(2, 5)
    if kind == 0:
        code = f"def add(item, bag=[]):\n    bag.append(item)\n    return bag\n\nadd('{w}')\nprint(add('{w}'))"
        shown = f"['{w}', '{w}']"
        return code, shown, ("mutable default|default argument", "shared|once|same list")
    if kind == 1:
        code = f"fs = [lambda: i for i in range({n})]\nprint([f() for f in fs])"
        shown = str([n - 1] * n)
        return code, shown, ("late binding|closure", "i=i|default argument|last value")
    if kind == 2:
        a, b = pick(rng, ((0.1, 0.2), (0.1, 0.7), (0.3, 0.6)))
        code = f"print({a} + {b} == {round(a + b, 10)})"
        return code, "False", ("floating|binary", "isclose|tolerance|decimal|precision")
    grid = f"grid = [[0] * {n}] * {n}\ngrid[0][0] = 1\nprint(grid)"
    shown = str([[1] + [0] * (n - 1)] * n)
    return grid, shown, ("same list|same object|reference", "comprehension|copy")


@template(
    "gotcha_explain",
    category="reasoning",
    difficulty="intermediate",
    subcategory="explain",
    optimal=("answer_directly",),
    heldout=True,
)
def _gotcha_explain(rng: random.Random) -> Draft:
    code, shown, kws = _gotcha(rng)
    form = pick(
        rng,
        (
            "This code prints `{s}`. Why? I expected something else.\n\n{c}",
            "Can you explain why the following prints `{s}`?\n\n{c}",
            "I ran this and got `{s}`. What is going on, and how do I get what I intended?\n\n{c}",
        ),
    )
    why = "The output is already given; the question asks why, which is answered by reasoning."
    return Draft(form.format(s=shown, c=code_block(code)), None, "none", why, kws)


_REGEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"^\d{3}-\d{4}$", ("digit", "hyphen|dash")),
    (r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", ("email",)),
    (r"^#?[0-9a-fA-F]{6}$", ("hex", "colo")),
    (r"\b\d{4}-\d{2}-\d{2}\b", ("date", "year|yyyy")),
    (r"^\s*$", ("empty|blank", "whitespace")),
    (r"\b(\w+)\s+\1\b", ("repeat|duplicate|twice", "word")),
    (r"^https?://[^\s/]+", ("http", "url|domain|host")),
    (r"^[A-Z][a-z]+$", ("capital|upper", "lower")),
    (r"^-?\d+(\.\d+)?$", ("number|digit", "decimal|optional|fraction")),
    (r"^(?=.*\d)(?=.*[a-z]).{8,}$", ("lookahead|at least|contain", "8|eight")),
    (r"^[^aeiou]*$", ("vowel",)),
    (r"(?i)^(yes|no)$", ("yes", "case")),
)


@template(
    "regex_explain",
    category="reasoning",
    difficulty="intermediate",
    subcategory="explain",
    optimal=("answer_directly",),
)
def _regex_explain(rng: random.Random) -> Draft:
    regex, kws = pick(rng, _REGEXES)
    form = pick(
        rng,
        (
            "Explain in plain English what this regular expression matches: `{r}`",
            "What kind of strings does the regex `{r}` accept?",
            "I found `{r}` in our validation code. What is it checking?",
        ),
    )
    answer = REGEX_ANSWERS[regex]
    return Draft(form.format(r=regex), None, "none", _WHY_READ, kws, answer=answer)


_SYSTEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a URL shortener", ("hash|base62|id", "redirect|lookup")),
    (
        "a rate limiter for a public API",
        ("token bucket|sliding window|leaky bucket|counter", "per user|per key|client"),
    ),
    ("a job queue with retries", ("retry|backoff", "idempot|at-least-once|dead letter")),
    (
        "a chat service for 10,000 concurrent users",
        ("websocket|connection", "fan-out|broadcast|pub/sub|pubsub"),
    ),
    ("a feature-flag service", ("rollout|percentage|target", "cache|default")),
    ("a notification system (email, SMS, push)", ("queue", "retry|provider|template")),
    ("an image thumbnail pipeline", ("queue|worker", "storage|cache|cdn")),
    ("a leaderboard for an online game", ("sorted set|heap|index|rank", "update")),
    ("an audit log for a banking app", ("append|immutable", "tamper|integrity|hash")),
    ("a search-as-you-type feature", ("prefix|trie|index", "debounce|latency|cache")),
)
_CONCERNS = (
    "failures of a single machine",
    "a tenfold growth in traffic",
    "keeping latency low",
    "deploying new versions without downtime",
    "observability and debugging",
)


@template(
    "system_design",
    category="reasoning",
    difficulty="complex",
    subcategory="design",
    optimal=("answer_directly",),
)
def _system_design(rng: random.Random) -> Draft:
    system, kws = pick(rng, _SYSTEMS)
    concern = pick(rng, _CONCERNS)
    form = pick(
        rng,
        (
            "Design {s}. Describe the main components, the data model, and how you would handle {c}.",
            "How would you architect {s}? Pay particular attention to {c}.",
            "Sketch a design for {s}: storage, APIs, and a plan for {c}.",
        ),
    )
    answer = f"{SYSTEM_ANSWERS[system]} {CONCERN_ANSWERS[concern]}"
    return Draft(form.format(s=system, c=concern), None, "none", _WHY_DESIGN, kws, answer=answer)


_DOMAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a public library (books, copies, members, loans)", ("loan", "foreign key|references")),
    (
        "an online shop (customers, products, orders, order lines)",
        ("order", "foreign key|references"),
    ),
    ("a university (students, courses, enrolments, grades)", ("enrol", "foreign key|references")),
    (
        "a clinic (patients, doctors, appointments, prescriptions)",
        ("appointment", "foreign key|references"),
    ),
    ("a project tracker (projects, tasks, users, comments)", ("task", "foreign key|references")),
    (
        "a cinema (films, screens, showings, seats, bookings)",
        ("booking|seat", "foreign key|references"),
    ),
    (
        "a recipe site (recipes, ingredients, quantities, tags)",
        ("ingredient", "join table|many-to-many|junction"),
    ),
    (
        "a fleet of delivery vans (vans, drivers, routes, stops)",
        ("route|stop", "foreign key|references"),
    ),
)


@template(
    "schema_design",
    category="reasoning",
    difficulty="complex",
    subcategory="design",
    optimal=("answer_directly",),
)
def _schema_design(rng: random.Random) -> Draft:
    domain, kws = pick(rng, _DOMAINS)
    extra = pick(
        rng,
        (
            "",
            " Say which columns you would index.",
            " Explain how you would keep history of changes.",
            " Point out any many-to-many relationships.",
        ),
    )
    form = pick(
        rng,
        (
            "Propose a relational database schema for {d}: tables, keys and relationships.{e}",
            "Design the tables for {d}.{e}",
            "What would a normalised SQL schema for {d} look like?{e}",
        ),
    )
    answer = f"{SCHEMA_ANSWERS[domain]} {SCHEMA_EXTRA_ANSWERS[extra]}".strip()
    return Draft(form.format(d=domain, e=extra), None, "none", _WHY_DESIGN, kws, answer=answer)


def _insecure(rng: random.Random) -> tuple[str, tuple[str, ...], int]:
    table = pick(rng, ("users", "accounts", "orders", "customers"))
    col = pick(rng, ("name", "email", "username", "id"))
    kind = rng.randrange(5)
    if kind == 0:
        code = (
            f"def find(conn, value):\n    cur = conn.cursor()\n"
            f"    cur.execute(f\"SELECT * FROM {table} WHERE {col} = '{{value}}'\")\n"
            f"    return cur.fetchall()"
        )
        return code, ("sql injection|injection", "parameter|placeholder|bind"), kind
    if kind == 1:
        code = "import pickle\n\ndef load_session(request):\n    return pickle.loads(request.cookies['session'])"
        return code, ("pickle|deserializ", "untrusted|arbitrary code|remote code"), kind
    if kind == 2:
        code = "import subprocess\n\ndef ping(host):\n    return subprocess.run(f'ping -c 1 {host}', shell=True)"
        return (
            code,
            ("shell=True|command injection|injection", "list|argument|shlex|validate"),
            kind,
        )
    if kind == 3:
        code = "def calc(expr):\n    return eval(expr)\n\nprint(calc(input('expression: ')))"
        return code, ("eval", "arbitrary code|untrusted|injection|ast.literal_eval|parser"), kind
    code = (
        "import os\n\nBASE = '/srv/files'\n\ndef read(name):\n"
        "    with open(os.path.join(BASE, name)) as f:\n        return f.read()"
    )
    return (
        code,
        ("path traversal|directory traversal|../", "normalize|resolve|realpath|validate"),
        kind,
    )


@template(
    "security_review",
    category="reasoning",
    difficulty="complex",
    subcategory="review",
    optimal=("answer_directly",),
)
def _security_review(rng: random.Random) -> Draft:
    code, kws, kind = _insecure(rng)
    form = pick(
        rng,
        (
            "Review this code for security problems (do not run it):\n\n{c}",
            "Is this code safe to deploy? Point out any vulnerabilities and fixes.\n\n{c}",
            "Security review please. What could an attacker do with this?\n\n{c}",
        ),
    )
    answer = SECURITY_ANSWERS[kind]
    return Draft(form.format(c=code_block(code)), None, "none", _WHY_READ, kws, answer=answer)


def _concurrent(rng: random.Random) -> tuple[str, tuple[str, ...], int]:
    name = pick(rng, ("counter", "hits", "total", "balance"))
    kind = rng.randrange(3)
    if kind == 0:
        code = f"{name} = 0\n\ndef handle_request():\n    global {name}\n    {name} = {name} + 1"
        return code, ("race|atomic", "lock|mutex"), kind
    if kind == 1:
        code = (
            "import threading\n\na = threading.Lock()\nb = threading.Lock()\n\n"
            "def transfer_1():\n    with a:\n        with b:\n            pass\n\n"
            "def transfer_2():\n    with b:\n        with a:\n            pass"
        )
        return code, ("deadlock", "order|ordering"), kind
    code = (
        "import os\n\ndef write_once(path, data):\n    if not os.path.exists(path):\n"
        "        with open(path, 'w') as f:\n            f.write(data)"
    )
    return code, ("race|toctou|time of check", "exclusive|'x'|o_excl|atomic|lock"), kind


@template(
    "concurrency_review",
    category="reasoning",
    difficulty="complex",
    subcategory="review",
    optimal=("answer_directly",),
)
def _concurrency_review(rng: random.Random) -> Draft:
    code, kws, kind = _concurrent(rng)
    workers = rng.choice((4, 8, 16, 32))
    form = pick(
        rng,
        (
            "This code is called from {w} threads at once. What can go wrong, and how would you fix it?\n\n{c}",
            "Review this for concurrency bugs; it runs in a web server with {w} worker threads.\n\n{c}",
        ),
    )
    answer = CONCURRENCY_ANSWERS[kind]
    return Draft(
        form.format(w=workers, c=code_block(code)), None, "none", _WHY_READ, kws, answer=answer
    )


_MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "splitting our monolith into microservices",
        ("network|latency|distributed", "incremental|strangler|gradual"),
    ),
    ("adding a Redis cache in front of our database", ("invalidat|stale", "ttl|expir")),
    (
        "moving from nightly batch jobs to event streaming",
        ("order|exactly-once|at-least-once|duplicate", "backfill|replay|migration"),
    ),
    (
        "switching our ORM-generated queries to hand-written SQL",
        ("maintain|review", "performance|n+1|index"),
    ),
    ("rewriting our Python service in Go", ("rewrite|risk", "incremental|profile|measure")),
    (
        "moving our on-premise database to a managed cloud service",
        ("downtime|cutover|replicat", "cost|backup|latency"),
    ),
)


@template(
    "architecture_advice",
    category="reasoning",
    difficulty="complex",
    subcategory="design",
    optimal=("answer_directly",),
    heldout=True,
)
def _architecture_advice(rng: random.Random) -> Draft:
    plan, kws = pick(rng, _MIGRATIONS)
    team = rng.choice((3, 5, 8, 15, 40))
    form = pick(
        rng,
        (
            "Our team of {t} is considering {p}. Write a short recommendation with the main risks and a rollout plan.",
            "We are {t} engineers and the CTO wants us to start {p}. What should we watch out for?",
            "Give me an honest assessment of {p} for a {t}-person team.",
        ),
    )
    return Draft(form.format(t=team, p=plan), None, "none", _WHY_DESIGN, kws)


TEMPLATES: tuple[Template, ...] = (
    _concept,
    _difference,
    _http_status,
    _term,
    _git_command,
    _complexity,
    _readability_review,
    _tradeoff,
    _regex_explain,
    _gotcha_explain,
    _system_design,
    _schema_design,
    _security_review,
    _concurrency_review,
    _architecture_advice,
)
