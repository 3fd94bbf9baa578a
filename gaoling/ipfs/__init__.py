"""IPFS for Gaoling: UnixFS DAGs addressed exactly as Kubo's `ipfs add` addresses them, a local
blockstore and CARv1 export, and pinning through Kubo RPC, the Pinning Services API or IPFS
Cluster. See docs/ipfs.md."""

from .backends import BackendError, ClusterBackend, KuboBackend, PinFailed, PinningServiceBackend, make_backend
from .config import ConfigError, IpfsConfig, load_config
from .blockstore import FsBlockstore, resolve_uri
from .publish import PublishedTree, PublishResult, build_collection, publish_collection, publish_tree
from .unixfs import Entry, Importer, ImportOptions

__all__ = [
    "BackendError", "ClusterBackend", "ConfigError", "Entry", "FsBlockstore", "PublishedTree", "publish_tree",
    "resolve_uri", "Importer", "ImportOptions", "IpfsConfig",
    "KuboBackend", "PinFailed", "PinningServiceBackend", "PublishResult", "build_collection", "load_config",
    "make_backend", "publish_collection",
]
