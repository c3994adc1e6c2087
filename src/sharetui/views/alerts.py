"""The alerts list's view model: which alerts show for a rule filter, their state (new, seen, muted) and the
width of each column for the terminal's width, so the message gets the rest and is cut with an ellipsis, not
at the screen's edge. No Textual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sharetui import text as fmt

if TYPE_CHECKING:
    from sharetui.domain.alerts import Alert

RULES = ("velocity", "milestone", "beat_p90", "forecast", "gone")  # the order `f` steps through them
TITLE_MAX = 40
ACCOUNT_MAX = 20
MESSAGE_MIN = 20


@dataclass(frozen=True)
class ListedAlert:
    alert: Alert
    seen: bool
    muted: bool  # its video is muted (no toast, bell or "!" in the table)

    @property
    def state(self) -> str:
        return "muted" if self.muted else "seen" if self.seen else "new"


def rule_name(rule: str) -> str:
    return rule.replace("_", " ")


def next_rule(current: str | None) -> str | None:
    """The rule `f` shows next: each in turn, then all of them again (None)."""
    if current is None:
        return RULES[0]
    index = RULES.index(current) + 1 if current in RULES else len(RULES)
    return RULES[index] if index < len(RULES) else None


def listed(alerts: list[tuple[Alert, bool]], muted: frozenset[tuple[str, str]], rule: str | None) -> list[ListedAlert]:
    return [ListedAlert(alert, seen, (alert.account, alert.video_id) in muted)
            for alert, seen in alerts if rule is None or alert.rule == rule]


@dataclass(frozen=True)
class AlertColumns:
    """The list's columns: their labels and widths (the Account column only with several accounts)."""

    labels: tuple[str, ...]
    widths: tuple[int, ...]

    @classmethod
    def fit(cls, width: int, whens: list[str], labels: list[str], titles: list[str],
            several: bool) -> AlertColumns:
        """Each column as wide as its widest entry (titles and accounts capped), the message the rest."""
        def room(header: str, texts: list[str], cap: int) -> int:
            return min(cap, max([len(header), *(len(t) for t in texts)]))

        columns = [("When", room("When", whens, 20)), ("State", 5), ("Rule", room("Rule", [rule_name(r) for r in RULES], 12))]
        if several:
            columns.append(("Account", room("Account", labels, ACCOUNT_MAX)))
        columns.append(("Video", room("Video", titles, TITLE_MAX)))
        gaps = 2 * (len(columns) + 1) + 2  # DataTable's cell padding, and a scrollbar
        message = max(MESSAGE_MIN, width - sum(w for _, w in columns) - gaps)
        columns.append(("What happened", message))
        return cls(tuple(label for label, _ in columns), tuple(w for _, w in columns))


def head_text(shown: int, total: int, new: int, rule: str | None) -> str:
    """The line above the list: what it shows and the keys that triage it."""
    which = f"{rule_name(rule)} alerts" if rule else "alerts"
    count = f"{shown} of {total}" if rule else f"{total}"
    return (f"{count} {which}, newest first · {new} new · f rule: {rule_name(rule) if rule else 'all'} · "
            f"x acknowledge · X all shown · M mute the video · enter opens · esc back")


def cells(item: ListedAlert, now: float, label: str, several: bool) -> list[str]:
    alert = item.alert
    row = [fmt.when(alert.at, now), item.state, rule_name(alert.rule)]
    if several:
        row.append(fmt.safe_text(label, 60))
    row += [fmt.safe_text(alert.title, 200) or alert.video_id, fmt.safe_text(alert.message, 400)]
    return row
