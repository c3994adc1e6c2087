"""The backtest table in docs/forecasting.md, made again the same way every time: the demo at a fixed clock
(2026-09-21 15:33 UTC) and seed (7), in a temporary cache, printed as Markdown rows.

    python scripts/backtest_table.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sharetui.domain import forecast as fc  # noqa: E402
from sharetui.monitor.poller import Poller  # noqa: E402
from sharetui.sources.demo import DemoSource  # noqa: E402
from sharetui.store import Store  # noqa: E402

CLOCK = 1_790_000_000  # 2026-09-21 15:33:20 UTC
SEED = 7
DEMOS = (("default (40 videos, 60 days)", 40, 60), ("`demo.videos = 150`, `demo.history_days = 120`", 150, 120))


def cell(value: float | None, spec: str = ".2f") -> str:
    return "–" if value is None else format(value, spec)


def main() -> None:
    print("| demo | horizon | forecasts made | band held | p50 error | rank ρ | persistence | usual | Szabo–Huberman |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, videos, days in DEMOS:
        with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "demo.sqlite3") as store:
            Poller(store, DemoSource(seed=SEED, videos=videos, history_days=days), clock=lambda: float(CLOCK)).sweep()
            for k, b in enumerate(fc.backtest(store, "demo", CLOCK)):
                held = "–" if b.coverage is None else f"{100 * b.coverage:.0f} %"
                print(f"| {label if k == 0 else 'same'} | {b.horizon[:-1]} d | {b.forecasts} of {b.eligible} | {held} | {cell(b.error)} | "
                      f"{cell(b.spearman)} | {cell(b.persistence)} | {cell(b.usual)} | {cell(b.szabo_huberman)} |")


if __name__ == "__main__":
    main()
