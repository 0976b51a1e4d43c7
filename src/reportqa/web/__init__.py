"""The web layer: one FastAPI app serving the Gradio chat page, the embeddable widget, the full
report view and the JSON API, all answering with one shared ``ReportQA``.

Importing this package does not import Gradio; ``create_app`` and ``serve`` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app", "serve"]

if TYPE_CHECKING:
    from .app import create_app
    from .server import serve


def __getattr__(name: str) -> Any:
    # Lazy, so that `reportqa ask` never pays for FastAPI and Gradio.
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "serve":
        from .server import serve

        return serve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
