"""TikTok Display API v2 source: OAuth desktop login (auth.py), the HTTP client (client.py), polling."""

from __future__ import annotations

from sharetui.sources.tiktok import credentials


def is_connected() -> bool:
    """True when credentials for a TikTok account are stored (whether they still work is another matter:
    a damaged file counts, so the TikTok source reports it instead of silently showing the demo)."""
    return bool(credentials.names())


from sharetui.sources.tiktok.source import TikTokSource  # noqa: E402

__all__ = ["TikTokSource", "is_connected"]
