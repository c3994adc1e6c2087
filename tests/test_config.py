from __future__ import annotations

from pathlib import Path

import pytest

from sharetui import config
from sharetui.config import ConfigError


def test_missing_file_gives_defaults(config_path: Path) -> None:
    loaded = config.load(config_path)
    assert loaded["source"] == "auto"
    assert loaded["poll.interval"] == 60
    assert loaded["demo.videos"] == 40
    assert loaded["demo.history_days"] == 60
    assert loaded["ui.theme"] == "textual-dark"


def test_file_values_override_defaults(config_path: Path) -> None:
    config_path.parent.mkdir(parents=True)
    config_path.write_text('source = "demo"\n[poll]\ninterval = 30\n[demo]\nvideos = 12\nseed = 3\n')
    loaded = config.load(config_path)
    assert (loaded["source"], loaded["poll.interval"], loaded["demo.videos"], loaded["demo.seed"]) == (
        "demo", 30, 12, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[poll]\ninterval = 'fast'\n", "poll.interval must be an integer, not a string"),
        ("[poll]\ninterval = true\n", "poll.interval must be an integer, not true or false"),
        ("[poll]\ninterval = 0\n", "poll.interval must be between 5 and 86400"),
        ("[poll]\ninterval = -10\n", "poll.interval must be between 5 and 86400"),
        ("[poll]\nintervall = 10\n", "unknown config key 'poll.intervall'"),
        ("colour = 'red'\n", "unknown config key 'colour'"),
        ("[graphs]\nx = 1\n", "unknown config section [graphs]"),
        ("source = 'youtube'\n", "source must be one of 'auto', 'demo', 'tiktok'"),
        ("[poll\ninterval = 10\n", "invalid TOML"),
        ("[tiktok]\napi_base_url = 'ftp://x'\n", "tiktok.api_base_url must start with http"),
    ],
)
def test_bad_files_name_the_file_and_key(config_path: Path, text: str, expected: str) -> None:
    config_path.parent.mkdir(parents=True)
    config_path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        config.load(config_path)
    message = str(caught.value)
    assert expected in message
    assert str(config_path) in message
    assert "\n" not in message


def test_broken_toml_reports_the_line(config_path: Path) -> None:
    config_path.parent.mkdir(parents=True)
    config_path.write_text('source = "demo"\n\n[poll]\ninterval = = 3\n')
    with pytest.raises(ConfigError, match="line 4"):
        config.load(config_path)


def test_set_value_round_trips_and_keeps_other_keys(config_path: Path) -> None:
    config.set_value(config_path, "poll.interval", "120")
    config.set_value(config_path, "ui.theme", "nord")
    config.set_value(config_path, "poll.interval", "90")
    loaded = config.load(config_path)
    assert loaded["poll.interval"] == 90
    assert loaded["ui.theme"] == "nord"
    assert "[poll]" in config_path.read_text()


def test_set_value_validates_before_writing(config_path: Path) -> None:
    config.set_value(config_path, "demo.videos", "10")
    with pytest.raises(ConfigError, match="must be an integer"):
        config.set_value(config_path, "demo.videos", "ten")
    with pytest.raises(ConfigError, match="unknown config key"):
        config.set_value(config_path, "demo.colour", "1")
    assert config.load(config_path)["demo.videos"] == 10


def test_environment_overrides_secrets(config_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.set_value(config_path, "tiktok.client_key", "from-file")
    monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_KEY", "from-env")
    monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_SECRET", "hush")
    loaded = config.load(config_path)
    assert loaded["tiktok.client_key"] == "from-env"
    assert loaded.is_from_env("tiktok.client_secret")
    assert config.display_value("tiktok.client_secret", loaded["tiktok.client_secret"]) == "(set)"


def test_sharetui_config_env_moves_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sharetui.system import locations
    target = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("SHARETUI_CONFIG", str(target))
    assert locations.config_file() == target
