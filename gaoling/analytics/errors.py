"""Errors the analytics commands turn into one clear line for the user (never a traceback)."""


class AnalyticsError(Exception):
    """Something the user can fix; the message says what to do next."""


class AnalyticsInputError(AnalyticsError, ValueError):
    """A bad argument, file or manifest."""


class RpcError(AnalyticsError):
    """The node could not be reached or kept failing."""


class ChainMismatchError(AnalyticsInputError):
    """The manifest (or the database) belongs to another chain than the RPC serves."""
