"""Expert-written short answers to the review and design templates' questions (training data only).

Each answer is what a senior engineer would say in a few sentences, on one line, and contains
the reference keywords of its entry in ``_templates_reasoning``. Readability answers are
``str.format`` templates with ``{f}`` (function name), ``{a}`` (parameter name) and ``{k}``
(the integer constant in the body). A system design answer is ``SYSTEM_ANSWERS[s] + " " +
CONCERN_ANSWERS[c]``; a schema answer is ``SCHEMA_ANSWERS[d] + " " + SCHEMA_EXTRA_ANSWERS[e]``
(nothing is appended for the empty extra).
"""

from __future__ import annotations

# indexed by the code kind of ``_complexity_code`` (0..4)
COMPLEXITY_ANSWERS: tuple[str, ...] = (
    (
        "It is O(n^2), quadratic in the worst case: the outer loop visits every index and the "
        "inner loop scans every later index, so about n(n-1)/2 pairs are compared. It returns "
        "early when a pair sums to the target, but when no pair does it checks all of them; "
        "remembering seen values in a dict would make it O(n)."
    ),
    (
        "It is O(log n), logarithmic: this is binary search, and each iteration compares the "
        "middle element with the target and discards half of the remaining range, so the window "
        "halves until the target is found or the range is empty. It needs the list to be sorted "
        "and uses O(1) extra memory."
    ),
    (
        "It is O(n), linear: the function makes a single pass over the list, and each membership "
        "test and insertion on the set is an average O(1) hash lookup. It can stop early at the "
        "first duplicate, but when all items are distinct it visits every one and stores them "
        "all, so it also uses O(n) extra memory."
    ),
    (
        "It is O(n^2), quadratic in the worst case: for each element, the `not in out` check is a "
        "linear scan of the output list, which can grow to n items, so n elements times up to n "
        "comparisons. If the items are hashable, tracking them in a set or using "
        "`list(dict.fromkeys(...))` keeps the order and brings it down to O(n)."
    ),
    (
        "It is O(n log n): sorting the list dominates at O(n log n), while the loop over adjacent "
        "pairs with `zip` is only O(n). Sorting is what makes one pass enough, because after "
        "sorting the smallest gap must be between neighbours; it also uses O(n) extra memory for "
        "the sorted copy and the slice."
    ),
)

# str.format templates, indexed like the bodies of ``_readability_review``
READABILITY_ANSWERS: tuple[str, ...] = (
    (
        "Give `{f}`, `{a}` and `r` descriptive names that say what they hold, for example "
        "`squares_of_multiples(numbers)`. The index from `range(len({a}))` is only used to read "
        "`{a}[i]`, so iterate directly over the values, and the append loop collapses into a "
        "list comprehension: `return [n * n for n in numbers if n % {k} == 0]`. Add type hints "
        "and a docstring, and consider making {k} a parameter."
    ),
    (
        "Rename `{f}`, `{a}`, `t` and `c` to meaningful names, such as "
        "`has_many_above(values, threshold)`. Iterate directly instead of `range(0, len({a}))` "
        "(the 0 is redundant anyway), write `c += 1`, and replace the if/else that returns True "
        "or False with `return c > {k}`. The whole body fits on one line: "
        "`return sum(v > threshold for v in values) > {k}`."
    ),
    (
        "Use descriptive names: `{f}` should say what it computes, e.g. `average`, and `{a}`, `s` "
        "and `n` could be `values`, `total` and `count`. The `range(len({a}))` loop with a manual "
        "counter re-implements built-ins, so write `return sum(values) / len(values)` or use "
        "`statistics.mean`. Also decide what an empty list means: it currently raises "
        "ZeroDivisionError, so guard it with an explicit check and a clear error or default."
    ),
)

REGEX_ANSWERS: dict[str, str] = {
    r"^\d{3}-\d{4}$": (
        "It matches a whole string of exactly three digits, a hyphen, then exactly four digits, "
        "such as `555-1234`, the shape of a local phone number. The `^` and `$` anchors mean "
        "nothing else may come before or after, although in Python `$` also allows one trailing "
        "newline and `\\d` accepts non-ASCII digits unless you pass the ASCII flag."
    ),
    r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$": (
        "It is a simple email address check: one or more letters, digits, dots, underscores, "
        "percent, plus or hyphen characters, an `@`, a domain of letters, digits, dots and "
        "hyphens, then a dot and a top-level domain of at least two letters, as in "
        "`jane.doe+news@example.co.uk`. It accepts typical addresses but is not a full RFC 5322 "
        "validator; sending a confirmation email is the real test."
    ),
    r"^#?[0-9a-fA-F]{6}$": (
        "It matches a six-digit hexadecimal colour code such as `#1a2B3c` or `ff8800`: an "
        "optional leading `#` followed by exactly six hex digits in either case, and nothing "
        "else. It rejects the three-digit shorthand like `#fff` and eight-digit codes with an "
        "alpha channel."
    ),
    r"\b\d{4}-\d{2}-\d{2}\b": (
        "It finds a date in ISO YYYY-MM-DD form anywhere in the text: four digits for the year, "
        "two for the month and two for the day separated by hyphens, such as `2024-03-15`, with "
        "word boundaries so it is not part of a longer run of digits or letters. It only checks "
        "the shape, so `2024-13-45` also matches; validate the ranges separately."
    ),
    r"^\s*$": (
        "It matches a string that is empty or contains only whitespace such as spaces, tabs and "
        "newlines, in other words blank input. Validation code uses it to reject fields the user "
        "left blank; `not s.strip()` does the same check without a regex."
    ),
    r"\b(\w+)\s+\1\b": (
        "It finds a word repeated twice in a row separated by whitespace, such as `the the`: "
        "`(\\w+)` captures a word and the backreference `\\1` requires exactly the same text "
        "next, with the final `\\b` making sure the repeat is a whole word, so `the theory` does "
        "not match. It is a typical duplicate-word check, and it is case-sensitive unless you "
        "add the IGNORECASE flag."
    ),
    r"^https?://[^\s/]+": (
        "It matches text that starts with `http://` or `https://` followed by the host part of a "
        "URL, everything up to the first slash or whitespace, such as `https://example.com` "
        "(including any port). There is no `$` anchor, so it only checks that prefix; it does "
        "not validate the domain name or the rest of the URL."
    ),
    r"^[A-Z][a-z]+$": (
        "It matches a single capitalised word: one uppercase ASCII letter followed by one or more "
        "lowercase letters and nothing else, such as `London` or `Alice`. It rejects all-caps "
        "words, single letters, spaces, hyphens and accented letters, so it is too strict for "
        "validating real people's names."
    ),
    r"^-?\d+(\.\d+)?$": (
        "It matches a plain decimal number: an optional minus sign, one or more digits, and an "
        "optional fractional part made of a dot followed by at least one digit, such as `42`, "
        "`-7` or `3.14`. It rejects `+5`, `.5`, `5.`, thousands separators and exponent "
        "notation like `1e3`."
    ),
    r"^(?=.*\d)(?=.*[a-z]).{8,}$": (
        "It is a password-strength check: the two lookaheads require the string to contain at "
        "least one digit and at least one lowercase letter anywhere, and `.{8,}` requires at "
        "least eight characters in total, none of them a newline. It does not demand uppercase "
        "letters or symbols."
    ),
    r"^[^aeiou]*$": (
        "It matches strings that contain no lowercase vowel at all, such as `rhythm`, `xyz` or "
        "the empty string: the negated class allows any character except a, e, i, o and u, "
        "repeated from start to end. It is case-sensitive, so `APPLE` still matches unless you "
        "add the IGNORECASE flag."
    ),
    r"(?i)^(yes|no)$": (
        "It matches exactly the word yes or no and nothing else, and the inline `(?i)` flag makes "
        "it case-insensitive, so `Yes`, `NO` and `yEs` are accepted too. It is a typical check "
        "for a yes/no answer; input with surrounding spaces is rejected, so strip it first."
    ),
}

SYSTEM_ANSWERS: dict[str, str] = {
    "a URL shortener": (
        "An API service stores a urls table (code primary key, long_url, owner, created_at, "
        "expires_at) and makes codes by base62-encoding a unique id from a sequence, avoiding the "
        "collisions of hashing the URL. Redirects do a cache-first lookup in Redis before the "
        "database and answer 301 or 302, while click counts flow through a queue asynchronously."
    ),
    "a rate limiter for a public API": (
        "Enforce limits in the API gateway with shared state in Redis: a token bucket per API key "
        "or per user, stored as remaining tokens plus last refill time and updated atomically by "
        "a Lua script. Per-plan limits live in a config table, and rejected requests get HTTP 429 "
        "with a Retry-After header so each client can back off."
    ),
    "a job queue with retries": (
        "Producers write jobs to a durable jobs table or queue (id, type, payload, status, "
        "attempts, run_at, last_error), and workers claim them with a lease. Failures are "
        "rescheduled with exponential backoff and jitter, and after max attempts a job moves to a "
        "dead letter queue; delivery is at-least-once, so handlers must be idempotent, keyed by "
        "job id."
    ),
    "a chat service for 10,000 concurrent users": (
        "Clients hold a WebSocket connection to stateless gateway servers that record in Redis "
        "where each user is connected. Messages are stored partitioned by conversation "
        "(conversation_id, time-ordered message_id, sender_id, body) with a membership table, "
        "then published on pub/sub so each gateway with members online can fan out to its "
        "sockets; offline users get push notifications."
    ),
    "a feature-flag service": (
        "The service stores flags per environment (key, default value, enabled, targeting rules, "
        "rollout percentage) behind an admin UI with an audit trail. SDKs load all flags at "
        "startup, cache them in memory and refresh by streaming or polling, hash the user id "
        "into a bucket so percentage rollouts stay stable, and fall back to defaults when it "
        "is unreachable."
    ),
    "a notification system (email, SMS, push)": (
        "An API accepts requests (user, type, template id, data), checks preferences and "
        "opt-outs, renders the template, stores a notification record and enqueues one message "
        "per channel on separate email, SMS and push queues. Channel workers call providers such "
        "as SES, Twilio or FCM, retry with backoff, fail over to a backup provider and record "
        "delivery status from webhooks."
    ),
    "an image thumbnail pipeline": (
        "Clients upload originals to object storage with presigned URLs, and each storage event "
        "puts a job on a queue; stateless workers download the original, generate the "
        "configured sizes and write them back under deterministic keys. An images table tracks "
        "id, owner, original key, status and variant keys, and thumbnails are served through a "
        "CDN with long cache lifetimes."
    ),
    "a leaderboard for an online game": (
        "Keep the live ranking in a Redis sorted set per board (player id as member, score as "
        "value), so each score update and rank or top-N query (ZADD, ZREVRANK, ZREVRANGE) is "
        "O(log n). A durable scores table (player_id, board_id, score, updated_at) indexed on "
        "board and score is the source of truth for rebuilding it; seasonal boards are separate "
        "keys."
    ),
    "an audit log for a banking app": (
        "Write events to an append-only table (id, timestamp, actor, action, entity, before and "
        "after values) where the application role may only insert, so records are immutable. "
        "Chain each entry to the previous one with a hash (SHA-256 of previous hash plus "
        "record) and periodically sign the head, so tampering breaks the integrity check; "
        "replicate copies to WORM storage."
    ),
    "a search-as-you-type feature": (
        "The client debounces keystrokes by about 200 ms and cancels stale requests to a suggest "
        "endpoint. The backend answers from a prefix index, an in-memory trie with precomputed "
        "top-k results per node or an edge n-gram index in Elasticsearch, rebuilt periodically "
        "from a terms table (term, weight); popular prefixes are cached in Redis or at the CDN."
    ),
}

CONCERN_ANSWERS: dict[str, str] = {
    "failures of a single machine": (
        "To survive a machine failing, run each stateless component as several instances behind "
        "a load balancer with health checks, and replicate the data stores with automatic "
        "failover."
    ),
    "a tenfold growth in traffic": (
        "For tenfold traffic, scale the stateless tiers horizontally with autoscaling, add "
        "caching and read replicas, and partition the data by a key such as user when one "
        "primary is not enough."
    ),
    "keeping latency low": (
        "To keep latency low, make the hot path a cache hit or one indexed lookup, move slow work "
        "to asynchronous queues, serve users from nearby regions and watch p99, not averages."
    ),
    "deploying new versions without downtime": (
        "For zero-downtime deploys, use rolling or blue-green releases with health checks and "
        "connection draining, and keep schema changes backward compatible (expand, then "
        "contract) so both versions run side by side."
    ),
    "observability and debugging": (
        "For observability, emit structured logs with request ids, per-component metrics for "
        "throughput, errors and latency, and distributed traces, with dashboards and SLO alerts."
    ),
}

SCHEMA_ANSWERS: dict[str, str] = {
    "a public library (books, copies, members, loans)": (
        "Use books (book_id primary key, isbn unique, title), copies (copy_id, book_id foreign "
        "key references books, barcode, status), members (member_id, name, email unique) and "
        "loans (loan_id, copy_id and member_id foreign keys, loaned_at, due_at, returned_at "
        "null until returned). Loans point at copies rather than books because each physical "
        "copy is lent separately, and they link members to copies over time."
    ),
    "an online shop (customers, products, orders, order lines)": (
        "Use customers (customer_id primary key, email unique, name), products (product_id, sku "
        "unique, name, price), orders (order_id, customer_id foreign key references customers, "
        "status, placed_at) and order_lines (order_id and product_id foreign keys, quantity, "
        "unit_price, primary key on the pair). Order lines link orders to products and copy the "
        "price at purchase time, so later price changes leave old orders intact."
    ),
    "a university (students, courses, enrolments, grades)": (
        "Use students (student_id primary key, name, email unique), courses (course_id, code "
        "unique, title, credits) and enrolments (enrolment_id, student_id foreign key references "
        "students, course_id foreign key references courses, term, grade nullable) with a "
        "unique constraint on student, course and term. Enrolments links students to courses, "
        "and the grade lives there because it describes one student in one course offering."
    ),
    "a clinic (patients, doctors, appointments, prescriptions)": (
        "Use patients (patient_id primary key, name, date_of_birth), doctors (doctor_id, name, "
        "specialty), appointments (appointment_id, patient_id and doctor_id foreign keys, "
        "starts_at, status) and prescriptions (prescription_id, appointment_id foreign key "
        "references appointments, medication, dosage). Appointments link patients to doctors, "
        "prescriptions hang off the appointment that produced them, and a unique constraint on "
        "doctor and start time prevents double booking."
    ),
    "a project tracker (projects, tasks, users, comments)": (
        "Use projects (project_id primary key, name), users (user_id, email unique), "
        "project_members (project_id and user_id foreign keys, role, primary key on the pair), "
        "tasks (task_id, project_id foreign key references projects, assignee_id nullable "
        "references users, title, status, due_date) and comments (comment_id, task_id and "
        "author_id foreign keys, body, created_at). Project_members links users to projects; "
        "each task belongs to one project."
    ),
    "a cinema (films, screens, showings, seats, bookings)": (
        "Use films (film_id primary key, title, runtime), screens (screen_id, name), seats "
        "(seat_id, screen_id foreign key references screens, row_label, seat_number), showings "
        "(showing_id, film_id and screen_id foreign keys, starts_at), bookings (booking_id, "
        "showing_id foreign key, customer_email, created_at) and booking_seats (booking_id, "
        "showing_id, seat_id) linking bookings to seats, with a unique constraint on showing "
        "and seat so no seat is sold twice."
    ),
    "a recipe site (recipes, ingredients, quantities, tags)": (
        "Use recipes (recipe_id primary key, title, instructions), ingredients (ingredient_id, "
        "name unique), recipe_ingredients (recipe_id and ingredient_id foreign keys, quantity, "
        "unit, primary key on the pair), tags (tag_id, name unique) and recipe_tags (recipe_id, "
        "tag_id). Recipe_ingredients and recipe_tags are join tables for many-to-many "
        "relationships, and the quantity belongs on the join row because it describes one "
        "ingredient in one recipe."
    ),
    "a fleet of delivery vans (vans, drivers, routes, stops)": (
        "Use vans (van_id primary key, registration unique), drivers (driver_id, name, "
        "licence_number unique), routes (route_id, van_id and driver_id foreign keys, "
        "route_date, status) and stops (stop_id, route_id foreign key references routes, "
        "sequence, address, completed_at) with a unique constraint on route and sequence. Each "
        "route assigns one van and one driver for a day, so routes also link drivers to vans."
    ),
}

SCHEMA_EXTRA_ANSWERS: dict[str, str] = {
    "": "",
    " Say which columns you would index.": (
        "Index every foreign key column, the lookup columns with unique indexes such as emails "
        "and codes, and composite indexes matching frequent filters like status plus date."
    ),
    " Explain how you would keep history of changes.": (
        "For history, write each change to an append-only history table or a system-versioned "
        "temporal table holding the old values, who changed them and a valid-from/valid-to "
        "period, filled by a trigger."
    ),
    " Point out any many-to-many relationships.": (
        "The many-to-many relationships are the linking tables above, each holding two foreign "
        "keys with a unique constraint or composite primary key on the pair plus attributes of "
        "the relationship itself."
    ),
}

# indexed by the code kind of ``_insecure`` (0..4)
SECURITY_ANSWERS: tuple[str, ...] = (
    (
        "This is SQL injection: the value is interpolated into the query with an f-string, so "
        "input like `' OR '1'='1` returns every row and crafted input can read or change other "
        "data. Use a parameterized query with placeholders, e.g. "
        "`cur.execute('SELECT ... WHERE column = %s', (value,))` (`?` for sqlite3), so the "
        "driver binds the value instead of parsing it as SQL."
    ),
    (
        "Calling `pickle.loads` on a cookie deserializes untrusted data, and a crafted pickle can "
        "call any callable while loading, so an attacker gets remote code execution on the "
        "server. Never unpickle client input: keep sessions server-side with only a random "
        "session id in the cookie, or use a signed JSON format such as itsdangerous."
    ),
    (
        "Interpolating the host into a command run with `shell=True` is command injection: a "
        "value like `8.8.8.8; rm -rf /` runs arbitrary shell commands. Pass an argument list "
        "without a shell, `subprocess.run(['ping', '-c', '1', host])`, and validate the host as "
        "an IP address or hostname, rejecting values starting with `-` so they cannot become "
        "options."
    ),
    (
        "`eval` on user input executes arbitrary code with the program's privileges, e.g. "
        "`__import__('os').system(...)`, and stripping builtins does not make it safe. For "
        "literals use `ast.literal_eval`; for arithmetic, write a small parser or walk the "
        "`ast` tree allowing only numbers and arithmetic operators."
    ),
    (
        "This allows path traversal: a name like `../../etc/passwd` escapes the base directory, "
        "and an absolute path makes `os.path.join` discard the base entirely. Resolve the full "
        "path with `os.path.realpath` or `Path.resolve()` and reject it unless it is still "
        "inside the base directory (check with `os.path.commonpath`), or validate names against "
        "an allowlist."
    ),
)

# indexed by the code kind of ``_concurrent`` (0..2)
CONCURRENCY_ANSWERS: tuple[str, ...] = (
    (
        "The increment is a read-modify-write, not atomic, so this is a race condition: two "
        "threads can read the same old value and both write back that value plus one, losing "
        "updates, and the GIL does not prevent a switch between the read and the write. Guard "
        "the update with a `threading.Lock` (`with lock:`), or keep the count in a store with "
        "atomic increments such as Redis INCR."
    ),
    (
        "This can deadlock: one thread holds lock `a` and waits for `b` while another holds `b` "
        "and waits for `a`, and then both wait forever. Fix it by acquiring locks in one "
        "consistent global order everywhere (always `a` before `b`), by using a single lock, or "
        "by acquiring with a timeout and backing off."
    ),
    (
        "The existence check and the `open` are separate steps, a time-of-check to time-of-use "
        "(TOCTOU) race: two threads can both see the file missing and both write it, one "
        "overwriting or interleaving with the other. Make creation atomic by opening with mode "
        "`'x'` (exclusive create, O_EXCL) and catching `FileExistsError`; a lock around check "
        "and write only helps within one process."
    ),
)
