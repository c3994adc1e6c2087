"""One toast that updates in place (the poll interval under + and -), instead of a new one per key press.

Textual's `notify` makes a new toast each time and returns nothing to remove it by; this posts the same
`Notify` message itself and removes the previous toast first. It uses `App._unnotify`, which the pinned
Textual (8.2) has; should it go, a new toast is simply added, as `notify` would.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import Notification, Notify

__all__ = ["Notification", "replace_toast"]


def replace_toast(app: App, previous: Notification | None, message: str, *, title: str = "",
                  timeout: float | None = None) -> Notification:
    """Show `message` in place of `previous` (if it is still up); returns the toast to replace next time."""
    unnotify = getattr(app, "_unnotify", None)
    if previous is not None and unnotify is not None and previous in app._notifications:
        unnotify(previous)
    notification = Notification(message, title, "information", timeout or app.NOTIFICATION_TIMEOUT, markup=False)
    app.post_message(Notify(notification))
    return notification
