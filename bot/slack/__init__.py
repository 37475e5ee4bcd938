"""The Slack adapter: Bolt app, listeners, Block Kit rendering and the scheduler's notifier.

Only this package imports slack_bolt / slack_sdk. It turns Slack payloads into
``handlers`` calls and renders the neutral replies as Block Kit.
"""
