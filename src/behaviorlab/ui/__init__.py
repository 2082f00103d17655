"""``behaviorlab ui``: evaluations, A/B comparisons, traces and a labelling queue in the
browser, over the same store as the CLI. Read-only except feedback.

Needs the ``ui`` extra (``pip install 'behaviorlab[ui]'``: Starlette, Jinja2, uvicorn).
"""

from behaviorlab.ui._app import TOKEN_ENV, UIError, UISettings, create_app, is_loopback
from behaviorlab.ui._serve import UIServer

__all__ = ["TOKEN_ENV", "UIError", "UIServer", "UISettings", "create_app", "is_loopback"]
