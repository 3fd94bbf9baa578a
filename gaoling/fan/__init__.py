"""Fan economy: the points ledger (check-ins, referrals, purchases) and glaze coupons.

See docs/fan-economy.md for the rules and the reasons behind them.
"""

from gaoling.fan._common import FanInputError
from gaoling.fan.checkin import (
    CHECK_IN_TYPES,
    RelayReport,
    SignedCheckIn,
    cst_day,
    day_label,
    day_start,
    relay_check_ins,
    sign_check_in,
)
from gaoling.fan.coupons import (
    CELADON,
    DEFAULT_GLAZES,
    EXCHANGE_TYPES,
    GlazeSpec,
    SignedExchange,
    add_glaze,
    base_uri,
    deploy_coupons,
    glaze_metadata,
    list_glazes,
    publish_glaze_metadata,
    relay_exchange,
    sign_exchange,
)
from gaoling.fan.points import MemberStatus, Rules, deploy_ledger, grant_recorder, member_status

__all__ = [
    "CELADON", "CHECK_IN_TYPES", "DEFAULT_GLAZES", "EXCHANGE_TYPES", "FanInputError", "GlazeSpec",
    "MemberStatus", "RelayReport", "Rules", "SignedCheckIn", "SignedExchange", "add_glaze", "cst_day",
    "base_uri", "day_label", "day_start", "deploy_coupons", "deploy_ledger", "glaze_metadata", "grant_recorder", "publish_glaze_metadata",
    "list_glazes", "member_status", "relay_check_ins", "relay_exchange", "sign_check_in", "sign_exchange",
]
