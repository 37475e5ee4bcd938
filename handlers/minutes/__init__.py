"""Board minutes in and out: import an action log, extract actions from notes, export the log.

Everything here is platform-neutral. The console (``bot/cli.py``) calls it today; the Slack and
Teams adapters will call the same functions for ``/action import`` and ``/action export``.
"""
