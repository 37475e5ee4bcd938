"""The Microsoft Teams adapter: the /api/messages endpoint, Adaptive Card rendering, the
scheduler's notifier and the app package.

Only this package imports the Teams SDK (``microsoft_teams``), and only once Teams is switched
on: importing it costs more than a second, which console and Slack users must not pay.
Translating activities (``activity``), rendering cards (``cards``), the service-URL allow-list
and the app package need no SDK at all.
"""
