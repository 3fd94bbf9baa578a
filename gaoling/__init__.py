"""Gaoling: a ceramics studio's own digital-collection platform (see docs/architecture.md)."""

from gaoling.dependency_links import link_dependency_sources as _link_dependency_sources

# Before any command lists the project's sources: see gaoling/dependency_links.py for why.
_link_dependency_sources()
