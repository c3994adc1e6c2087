"""The command line, one package: `entry` (the parser, `main` and the commands that need no more room),
`common` (opening the cache and the accounts a command reads), `auth` (`sharetui auth …`) and `forecast`
(`sharetui forecast`). Only the monitor command imports Textual."""

from sharetui.cli.entry import main, monitor_app

__all__ = ["main", "monitor_app"]
