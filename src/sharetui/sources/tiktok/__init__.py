"""TikTok Display API v2 source: OAuth desktop login (auth.py), the HTTP client (client.py), polling."""

from __future__ import annotations

from sharetui.sources.tiktok import credentials


def is_connected() -> bool:
    """True when credentials for a TikTok account are stored (whether they still work is another matter)."""
    try:
        return credentials.load() is not None
    except credentials.CredentialsError:
        return True  # let the TikTok source report the damaged file instead of silently showing the demo


from sharetui.sources.tiktok.source import TikTokSource  # noqa: E402

__all__ = ["TikTokSource", "is_connected"]
