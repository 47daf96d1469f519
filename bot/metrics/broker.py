"""The Rasa event broker that counts: bot/endpoints.yml `event_broker: type: bot.metrics.broker.MetricsEventBroker`.

Rasa hands every new event of every conversation to `publish`. Here each one becomes zero or more
anonymous counts (counting.py) and is then dropped: nothing of it is kept or logged. Any error is
caught and logged by type only, so counting can never break or slow a conversation.
"""

from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.metrics.counting import EventCounter
from bot.metrics.recorder import Recorder, shared_recorder
from bot.tenants import configured_tenants

logger = logging.getLogger(__name__)


def tenant_ids() -> list:
    return list(configured_tenants())


class MetricsEventBroker(EventBroker):
    def __init__(self, counter: EventCounter | None = None, recorder: Recorder | None = None) -> None:
        self.counter = counter if counter is not None else EventCounter(tenant_ids())
        self.recorder = recorder if recorder is not None else shared_recorder()

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: AbstractEventLoop | None = None
    ) -> MetricsEventBroker:
        broker = cls()
        try:
            broker.recorder.store  # noqa: B018 - creates the table now, so the dashboard works from the start
        except Exception as error:  # noqa: BLE001 - a database down at start must not stop the bot
            logger.warning("Metrics: the figures database is not reachable yet (%s); will retry.", type(error).__name__)
        logger.info("Metrics: counting anonymous figures for %d tenant(s).", len(broker.counter.tenants))
        return broker

    def publish(self, event: dict[str, Any]) -> None:
        try:
            increments = self.counter.count(event)
            if increments:
                self.recorder.add(increments)
        except Exception as error:  # noqa: BLE001 - the conversation must carry on regardless
            logger.warning("Metrics: an event could not be counted (%s).", type(error).__name__)

    async def close(self) -> None:
        await self.recorder.close()
