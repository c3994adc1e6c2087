"""Where sharetui keeps its files. Directories are created on demand, never at import."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "sharetui"


def config_file() -> Path:
    """The TOML config file; `SHARETUI_CONFIG` overrides the platform location."""
    override = os.environ.get("SHARETUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def data_dir(create: bool = False) -> Path:
    """The data directory (cache database, credentials); `SHARETUI_DATA_DIR` overrides it."""
    override = os.environ.get("SHARETUI_DATA_DIR")
    path = Path(override).expanduser() if override else platformdirs.user_data_path(APP_NAME)
    if create:
        # 0700: the directory holds OAuth credentials.
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def cache_file() -> Path:
    return data_dir() / "sharetui.sqlite3"


def credentials_file() -> Path:
    return data_dir() / "credentials.json"
