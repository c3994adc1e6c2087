from __future__ import annotations

import pytest

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


@pytest.mark.parametrize("top", [0, 0.4, 1, 3, 7, 60, 99, 344, 1_000, 48_482, 123_456_789])
def test_count_axes_have_whole_even_ticks_from_zero(top: float) -> None:
    ticks = text.axis_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top and all(isinstance(t, int) for t in ticks)
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and 2 <= len(ticks) <= 6
    step = steps.pop()
    assert str(step).rstrip("0") in ("1", "2", "5")  # 1-2-5 steps only


def test_the_usual_curves_end_where_the_baseline_does_not_speak() -> None:
    from sharetui.domain.baseline import build
    from sharetui.views.charts import baseline_curves

    usual = build("shares", {1: [1, 2, 3, 4, 5], 24: [10, 20, 30, 40, 50], 240: [100, 200, 300, 400, 500]})
    for curve in baseline_curves(usual, 10_000):
        assert curve.values[0] == 0 and all(v > 0 for v in curve.values[1:])  # never back down to 0
        assert curve.ages[-1] <= 240 * 1.05
