"""sharetui: a live terminal monitor of how a TikTok creator's videos are being shared."""

__version__ = "0.1.0"
