"""What every request handler reaches through `request.app.state.svc`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy.engine import Engine

from gaoling.service.config import ServiceConfig
from gaoling.service.messages import Intake
from gaoling.service.ratelimit import RateLimiter


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("gaoling_http_requests_total", "HTTP requests", ["route", "status"],
                                registry=self.registry)
        self.latency = Histogram("gaoling_http_request_seconds", "HTTP request latency", ["route"],
                                 registry=self.registry)
        self.accepted = Counter("gaoling_messages_accepted_total", "signed messages accepted (202)", ["kind"],
                                registry=self.registry)
        self.queue = Gauge("gaoling_messages", "messages by kind and status", ["kind", "status"],
                           registry=self.registry)
        self.relayer_balance = Gauge("gaoling_relayer_balance_wei", "relayer balance", registry=self.registry)
        self.relayer_lag = Gauge("gaoling_relayer_lag_seconds", "age of the oldest queued message",
                                 registry=self.registry)
        self.chain_head = Gauge("gaoling_chain_head", "latest block number", registry=self.registry)


@dataclass
class ServiceContext:
    config: ServiceConfig
    engine: Engine
    platform: Any
    provider: Any
    project: Any = None
    relayer: Any = None          # gaoling.service.relayer.Relayer when this process relays
    attester: Any = None         # Ape account with ATTESTER_ROLE (quiz), if configured
    collections: dict[str, Any] = field(default_factory=dict)   # slug -> CollectionConfig
    ipfs_store: Any = None
    published: set[str] = field(default_factory=set)
    grader: Any = None
    shipping: Any = None         # gaoling.voucher.shipping.ShippingStore, opened on first use
    metrics: Metrics = field(default_factory=Metrics)
    address_limit: RateLimiter | None = None
    ip_limit: RateLimiter | None = None
    intake: Intake | None = None  # group commit of check-ins (gaoling.service.messages)

    def __post_init__(self) -> None:
        self.address_limit = self.address_limit or RateLimiter(self.config.rate_per_address)
        self.ip_limit = self.ip_limit or RateLimiter(self.config.rate_per_ip)
        self.intake = self.intake or Intake(self.engine)
