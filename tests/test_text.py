from __future__ import annotations

from sharetui import text


def test_safe_text_removes_terminal_control() -> None:
    hostile = "a\x1b[2Jb\x07c\x9bd\u202eevil\nline"
    cleaned = text.safe_text(hostile)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned
    assert "\u202e" not in cleaned and "\n" not in cleaned
    assert cleaned == "a\ufffd[2Jb\ufffdc\ufffddevil line"


def test_safe_text_keeps_emoji_rtl_and_brackets() -> None:
    title = "[bold]مرحبا 👩‍👩‍👧 [/]"
    assert text.safe_text(title) == title


def test_safe_text_bounds_length() -> None:
    out = text.safe_text("x" * 10_000, limit=50)
    assert len(out) == 50 and out.endswith("…")


def test_count_formats() -> None:
    assert [text.count(n) for n in (0, 999, 12_345, 123_456, 12_345_678, 2_500_000_000, None)] == [
        "0", "999", "12,345", "123.5K", "12.35M", "2.50B", "–"]
    assert text.gain(5) == "+5" and text.gain(0) == "0" and text.gain(-3) == "-3"


def test_spark_scales_from_zero() -> None:
    assert text.spark([0, 0, 0]) == "▁▁▁"
    assert text.spark([0, 1, 2, 4]) == "▁▃▅█"
