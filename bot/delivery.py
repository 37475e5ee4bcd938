"""Which notifiers the scheduler can use, from what the environment configures."""

from __future__ import annotations

from typing import TextIO

from bot.config import Config
from bot.notify import ConsoleNotifier, Delivery, DeliveryError, Notifier
from storage.uow import UnitOfWork


def build_delivery(config: Config, uow: UnitOfWork, stream: TextIO) -> Delivery:
    """Console boards print; Slack and Teams boards go through their platform when it is
    configured.

    Chat SDKs are imported only for the platforms that are switched on, and messages are sent
    ``config.senders`` at a time only then: at the console, order matters more than speed.
    """
    notifiers: dict[str, Notifier] = {"console": ConsoleNotifier(stream)}
    if config.slack is not None:
        from bot.slack.app import installation_store, web_client
        from bot.slack.notifier import SlackNotifier

        slack = config.slack
        if slack.oauth:
            store = installation_store(slack, uow.engine)

            def client_for(team_id: str):  # type: ignore[no-untyped-def]
                bot = store.find_bot(enterprise_id=None, team_id=team_id)
                if bot is None:
                    raise DeliveryError(f"actionbot is not installed in Slack team {team_id}")
                return web_client(slack, token=bot.bot_token)
        else:
            shared = web_client(slack)

            def client_for(team_id: str):  # type: ignore[no-untyped-def]
                return shared

        notifiers["slack"] = SlackNotifier(client_for)
    if config.teams is not None:
        from bot.teams.notifier import TeamsNotifier

        notifiers["teams"] = TeamsNotifier(config.teams, uow)
    chat = config.slack is not None or config.teams is not None
    return Delivery(notifiers, senders=config.senders if chat else 1)
