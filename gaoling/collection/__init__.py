"""Capped-edition collections: validated configs, fiat mint orders, and their on-chain arguments."""

from gaoling.collection.config import (
    PHASE_ALLOWLIST,
    PHASE_PUBLIC,
    CollectionConfig,
    CollectionConfigError,
    TransferPolicy,
    load_collection_config,
    parse_collection_config,
)

__all__ = [
    "PHASE_ALLOWLIST",
    "PHASE_PUBLIC",
    "CollectionConfig",
    "CollectionConfigError",
    "TransferPolicy",
    "load_collection_config",
    "parse_collection_config",
]
