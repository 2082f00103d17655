"""Expert-written short answers to the explain templates' questions (training data only).

A plain data module: one reference answer for every entry of ``_CONCEPTS``, ``_PAIRS`` and
``_TERMS`` in ``_templates_reasoning``, each a few sentences that mention that entry's keywords.
"""

from __future__ import annotations

#: keyed by the concept string of ``_CONCEPTS``
CONCEPT_ANSWERS: dict[str, str] = {
    "a list comprehension": (
        "A list comprehension is a compact expression that builds a new list by iterating over an "
        "iterable and optionally filtering it, e.g. `[x * x for x in nums if x > 0]`. Use it "
        "instead of a `for` loop with `append` when you are simply transforming or filtering "
        "items."
    ),
    "a decorator": (
        "A decorator is a callable that takes a function (or class) and returns a replacement, "
        "usually one that wraps the original to add behaviour such as logging, caching or access "
        "checks. The `@name` line above a `def` is shorthand for `func = name(func)`."
    ),
    "a generator": (
        "A generator is a function that uses `yield` to produce values one at a time, suspending "
        "its state between values instead of building a whole collection. Because values are "
        "computed lazily, on demand, generators suit large or infinite sequences and streaming "
        "data."
    ),
    "a context manager": (
        "A context manager is an object used with the `with` statement: its `__enter__` method "
        "sets up a resource and its `__exit__` method cleans it up, even if an exception is "
        "raised. Typical uses are files, locks and transactions, e.g. `with open(path) as f:`."
    ),
    "duck typing": (
        "Duck typing means Python cares about what an object can do rather than its declared type: "
        "if it has the methods you call, it works. For example, any object with a `read()` method "
        "can be passed where a file is expected, so behaviour matters, not inheritance."
    ),
    "the global interpreter lock (GIL)": (
        "The GIL is a lock in standard CPython that lets only one thread execute Python bytecode "
        "at a time. It keeps memory management simple, but it means threads do not speed up "
        "CPU-bound code (use multiprocessing for that), while they still help with I/O-bound work."
    ),
    "a virtual environment": (
        "A virtual environment is a self-contained directory with its own Python interpreter and "
        "installed packages, isolated from the system Python and other projects. Create one per "
        "project, e.g. `python -m venv .venv`, so each project's dependencies and versions never "
        "clash."
    ),
    "a lambda expression": (
        "A lambda expression creates a small anonymous function from a single expression, e.g. "
        "`lambda x: x * 2`. It is handy for short callbacks such as the `key=` argument of "
        "`sorted()`; for anything longer or reused, a named `def` function is clearer."
    ),
    "the `self` parameter in a method": (
        "`self` is the first parameter of an instance method and refers to the particular object "
        "the method was called on. Python passes it automatically, so `obj.method(1)` means "
        "`Class.method(obj, 1)`, and you use `self.attr` to read or set that instance's "
        "attributes."
    ),
    "the `__init__` method": (
        "`__init__` is the method Python calls right after a new object is created, to initialize "
        "its state, typically by setting attributes on `self` from the constructor arguments. "
        "Strictly it is an initializer, not the constructor (`__new__` creates the instance), and "
        "it must return `None`."
    ),
    "an f-string": (
        "An f-string is a string literal prefixed with `f` that embeds expressions in braces, e.g. "
        "`f'Hello, {name}! Total: {price:.2f}'`. It is the most readable and usually the fastest "
        "way to format values into text in modern Python."
    ),
    "slicing": (
        "Slicing extracts part of a sequence with `seq[start:stop:step]`, where start is inclusive "
        "and stop is exclusive, so `s[1:4]` gives items 1 to 3. Omitted bounds default to the "
        "ends, negative indices count from the end, and `s[::-1]` reverses it."
    ),
    "a dictionary": (
        "A dictionary (`dict`) maps unique, hashable keys to values, e.g. `{'alice': 30}`, with "
        "average constant-time lookup, insertion and deletion by key. Use one whenever you need to "
        "look something up by a name or ID; since Python 3.7 it keeps insertion order."
    ),
    "a set": (
        "A set is an unordered collection of unique, hashable elements, so adding a duplicate has "
        "no effect. Use it to remove duplicates, for fast membership tests with `in`, and for "
        "union, intersection and difference, e.g. `set(a) & set(b)`."
    ),
    "exception handling with try/except": (
        "Exception handling lets a program recover from errors at runtime: code that might fail "
        "goes in a `try` block, and an `except` clause catches a specific exception type, such as "
        "`ValueError`, and handles it. An optional `else` runs when nothing was raised, and "
        "`finally` always runs for cleanup."
    ),
    "a closure": (
        "A closure is an inner function that remembers variables from its enclosing scope even "
        "after the outer function has returned. For example, `make_counter()` can return a "
        "function that keeps incrementing its own captured count; decorators and factory functions "
        "rely on closures to keep state."
    ),
    "type hints": (
        "Type hints are optional annotations such as `def add(a: int, b: int) -> int:` that "
        "declare the expected types of variables, parameters and return values. Python does not "
        "enforce them at runtime, but static checkers like mypy and IDEs use them to catch bugs "
        "early."
    ),
    "the `if __name__ == '__main__'` idiom": (
        "Every module has a `__name__`, which is `'__main__'` when the file is run directly as a "
        "script and the module's own name when it is imported. Code under `if __name__ == "
        "'__main__':` therefore runs only when you execute the file, not when another module "
        "imports it."
    ),
    "unpacking with `*args` and `**kwargs`": (
        "In a function definition, `*args` collects extra positional arguments into a tuple and "
        "`**kwargs` collects extra keyword arguments into a dict. In a call, `f(*items, "
        "**options)` does the reverse, unpacking a sequence and a mapping into separate arguments, "
        "which is common in wrappers that forward arguments."
    ),
    "a docstring": (
        "A docstring is a string literal, usually triple-quoted, placed as the first statement of "
        "a module, class or function to document what it does and how to use it. Python stores it "
        "in `__doc__`, so `help()`, IDEs and documentation generators can show it."
    ),
}
#: keyed by the (a, b) pair exactly as written in ``_PAIRS``
#: (the question may name them in either order)
DIFFERENCE_ANSWERS: dict[tuple[str, str], str] = {
    ("a list", "a tuple"): (
        "A list is mutable, so you can add, remove or change its items, while a tuple is immutable "
        "once created and, if its items are hashable, can be used as a dict key. Use a list for a "
        "collection that changes and a tuple for a fixed record such as coordinates."
    ),
    ("`==`", "`is`"): (
        "`==` checks whether two objects are equal in value (it calls `__eq__`), while `is` checks "
        "identity, i.e. whether both names refer to the same object in memory. Use `is` only for "
        "singletons such as `None` (`x is None`) and `==` for comparing values."
    ),
    ("a shallow copy", "a deep copy"): (
        "A shallow copy creates a new outer container but shares the nested objects inside it, so "
        "mutating an inner list shows up in both. A deep copy (`copy.deepcopy`) recursively copies "
        "everything, so the original and the copy are fully independent, at the cost of more time "
        "and memory."
    ),
    ("a process", "a thread"): (
        "A process has its own separate memory space, so processes are isolated and communicate "
        "through pipes, queues or files, whereas threads run inside one process and share its "
        "memory, which makes communication cheap but needs locks. In CPython, prefer processes for "
        "CPU-bound work and threads for I/O-bound work because of the GIL."
    ),
    ("`append`", "`extend`"): (
        "`append` adds its argument as a single element at the end of a list, while `extend` "
        "iterates over an iterable and adds each of its items. With `xs = [1]`, `xs.append([2, "
        "3])` gives `[1, [2, 3]]`, whereas `xs.extend([2, 3])` gives `[1, 2, 3]`."
    ),
    ("`sort()`", "`sorted()`"): (
        "`list.sort()` sorts a list in place and returns `None`, while `sorted()` accepts any "
        "iterable and returns a new list, leaving the original unchanged. Use `sort()` when you "
        "own the list and don't need the old order, and `sorted()` to keep the original or to sort "
        "a non-list."
    ),
    ("an abstract class", "an interface"): (
        "An abstract class can provide shared state and concrete methods alongside abstract "
        "methods that subclasses must implement, while an interface traditionally only declares "
        "the methods an implementing class must provide. Java allows many interfaces but one base "
        "class; in Python, an ABC or a `typing.Protocol` plays the interface role."
    ),
    ("a stack", "a queue"): (
        "A stack is LIFO (last in, first out): you push and pop at the same end, as in undo "
        "history or the call stack. A queue is FIFO (first in, first out): items leave in the "
        "order they arrived, as in a job queue; in Python use a list for a stack and "
        "`collections.deque` for a queue."
    ),
    ("TCP", "UDP"): (
        "TCP is connection-oriented: it sets up a connection with a handshake and guarantees "
        "reliable, ordered delivery through retransmission and flow control. UDP is connectionless "
        "and sends independent datagrams with no delivery or ordering guarantees, trading "
        "reliability for lower latency, which suits games, voice, video and DNS."
    ),
    ("a compiler", "an interpreter"): (
        "A compiler translates a whole program ahead of time into machine code or another target "
        "such as bytecode, which then runs on its own, while an interpreter executes the program "
        "directly, statement by statement, at run time. Many systems mix both: CPython compiles "
        "source to bytecode and then interprets it."
    ),
    ("`git merge`", "`git rebase`"): (
        "`git merge` joins two branches with a merge commit and preserves the true, branching "
        "history of both. `git rebase` replays your commits on top of another branch, creating new "
        "commits and a linear history; it reads more cleanly, but never rebase commits that others "
        "have already pulled."
    ),
    ("unit tests", "integration tests"): (
        "Unit tests check a single function or class in isolation, often with its dependencies "
        "mocked, so they are fast and pinpoint failures. Integration tests check that several "
        "components work together, such as your code with a real database or API, catching wiring "
        "problems that unit tests miss but running slower."
    ),
    ("authentication", "authorization"): (
        "Authentication verifies who a user is, for example with a password, token or SSO login, "
        "while authorization decides what that authenticated identity is allowed to do, such as "
        "which resources it may access. Authentication comes first; authorization then checks "
        "permissions on every request."
    ),
    ("SQL `WHERE`", "SQL `HAVING`"): (
        "SQL `WHERE` filters individual rows before grouping and cannot use aggregate functions, "
        "while `HAVING` filters groups after `GROUP BY`, so it can test aggregates such as "
        "`COUNT(*) > 5`. Use `WHERE` for conditions on rows and `HAVING` for conditions on group "
        "results."
    ),
    ("a `range`", "a list"): (
        "A `range` is an immutable, lazy sequence of integers that computes each number on demand, "
        "so `range(10**9)` uses a tiny, constant amount of memory. A list stores every element in "
        "memory, can hold any objects and can be modified; build one with `list(range(n))` only "
        "when you need that."
    ),
}
#: keyed by the term string of ``_TERMS``
TERM_ANSWERS: dict[str, str] = {
    "idempotent": (
        "An operation is idempotent if performing it once or many times has the same effect, so it "
        "is safe to repeat or retry. For example, setting a user's email to a given value is "
        "idempotent, whereas appending a row or charging a card on every call is not."
    ),
    "race condition": (
        "A race condition is a bug where the result depends on the timing or order in which "
        "concurrent threads or processes run. For example, two threads doing `count += 1` at the "
        "same time can both read the old value and lose an update; locks or atomic operations "
        "prevent it."
    ),
    "technical debt": (
        "Technical debt is the future cost of taking a shortcut now, such as a quick hack, skipped "
        "tests or a design you know won't scale. Like financial debt it accrues interest: the "
        "longer it stays, the more it slows later changes, until you pay it down."
    ),
    "memoization": (
        "Memoization is an optimization where a function caches the result for each set of "
        "arguments and returns the stored result when called with the same arguments again. For "
        "example, decorating a recursive Fibonacci function with `functools.lru_cache` turns "
        "exponential time into linear."
    ),
    "dependency injection": (
        "Dependency injection means a component receives the objects it depends on from outside, "
        "passed in through its constructor or parameters, instead of creating them itself. For "
        "example, a `ReportService(db)` that takes a database client can be given a fake one in "
        "tests."
    ),
    "refactoring": (
        "Refactoring is changing the internal structure of code to make it cleaner or easier to "
        "change without changing its external behavior. Examples are extracting a repeated block "
        "into a well-named function or renaming unclear variables, ideally backed by tests that "
        "prove nothing broke."
    ),
    "a regression": (
        "A regression is a bug where something that previously worked stops working after a "
        "change, such as a new release breaking login. Regression tests guard against this by "
        "re-checking existing behavior on every change."
    ),
    "continuous integration": (
        "Continuous integration is the practice of merging every developer's changes into the "
        "shared main branch frequently, with each commit or pull request automatically triggering "
        "a build and test run. For example, a CI workflow that runs the test suite on every push "
        "catches integration problems early."
    ),
    "a memory leak": (
        "A memory leak is when a program keeps holding memory it no longer needs and never "
        "releases it, so usage grows until performance degrades or it crashes. In Python this "
        "usually means lingering references, such as a module-level cache or list that keeps "
        "growing forever."
    ),
    "an off-by-one error": (
        "An off-by-one error is a bug where a loop or index goes one step too far or stops one too "
        "early, usually from getting a boundary wrong. For example, `for i in range(len(xs) + 1)` "
        "reads past the end of the list, as does using `<=` where `<` was needed."
    ),
    "semantic versioning": (
        "Semantic versioning is a MAJOR.MINOR.PATCH scheme: bump major for incompatible API "
        "changes, minor for backward-compatible new features, and patch for backward-compatible "
        "bug fixes. For example, upgrading a library from 2.3.1 to 2.4.0 should not break your "
        "code, but 3.0.0 might."
    ),
    "a deadlock": (
        "A deadlock is when two or more threads or processes each wait for a resource another one "
        "holds, so none can proceed. For example, thread A holds lock 1 and waits for lock 2 while "
        "thread B holds lock 2 and waits for lock 1; acquiring locks in a consistent order "
        "prevents it."
    ),
    "lazy evaluation": (
        "Lazy evaluation means delaying the computation of a value until it is actually needed "
        "rather than computing it up front. For example, a Python generator expression like `(x * "
        "x for x in data)` produces each value on demand, saving memory and skipping work that is "
        "never used."
    ),
    "a pure function": (
        "A pure function always returns the same output for the same input and has no side "
        "effects, such as modifying globals, doing I/O or mutating its arguments. For example, "
        "`def add(a, b): return a + b` is pure, while a function that appends to a global list or "
        "reads the clock is not."
    ),
    "big-O notation": (
        "Big-O notation describes how an algorithm's running time or memory grows as the input "
        "size grows, giving an upper bound that ignores constant factors. For example, scanning a "
        "list is O(n), a dict lookup is O(1) on average, and a nested loop over the same list is "
        "O(n^2)."
    ),
}
