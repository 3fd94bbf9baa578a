"""Points ledger helpers: the award rules (validated), member status, and deployment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gaoling.fan._common import FanInputError, address_arg, uint_arg

U16 = 2**16 - 1
U32 = 2**32 - 1

PURCHASE_RECORDER_ROLE = "PURCHASE_RECORDER_ROLE"
SPENDER_ROLE = "SPENDER_ROLE"


class Rules(BaseModel):
    """Award rules of the ledger, in whole points. Field names match the contract's `Rules`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    check_in: int = Field(10, ge=0, le=U32, alias="checkIn", description="points per daily check-in")
    streak_bonus: int = Field(2, ge=0, le=U32, alias="streakBonus",
                              description="extra points per consecutive day after the first")
    streak_max_days: int = Field(6, ge=0, le=U16, alias="streakMaxDays",
                                 description="days of streak bonus counted at most")
    referral: int = Field(100, ge=0, le=U32, description="points to the referrer on the referee's first purchase")
    referral_daily_cap: int = Field(5, ge=0, le=U16, alias="referralDailyCap",
                                    description="referral rewards per referrer per CST day")
    purchase_flat: int = Field(50, ge=0, le=U32, alias="purchaseFlat", description="points per purchase")
    purchase_per_item: int = Field(10, ge=0, le=U32, alias="purchasePerItem",
                                   description="extra points per item in a purchase")

    def as_tuple(self) -> tuple[int, ...]:
        """The tuple the contract's `Rules` struct takes, in declaration order."""
        return (self.check_in, self.streak_bonus, self.streak_max_days, self.referral,
                self.referral_daily_cap, self.purchase_flat, self.purchase_per_item)

    @classmethod
    def from_chain(cls, ledger: Any) -> "Rules":
        raw = ledger.rules()
        return cls(**dict(zip(("checkIn", "streakBonus", "streakMaxDays", "referral", "referralDailyCap",
                                "purchaseFlat", "purchasePerItem"), (int(v) for v in raw))))

    def check_in_points(self, streak: int) -> int:
        """Points for a check-in that makes a streak of `streak` days."""
        uint_arg(streak, "streak", minimum=1)
        return self.check_in + self.streak_bonus * min(streak - 1, self.streak_max_days)

    def purchase_points(self, quantity: int) -> int:
        """Points for one purchase of `quantity` items."""
        return self.purchase_flat + self.purchase_per_item * uint_arg(quantity, "quantity", bits=64)


@dataclass(frozen=True)
class MemberStatus:
    address: str
    points: int
    last_check_in_day: int
    streak: int
    purchased: bool
    referrer: str | None
    checked_in_today: bool


def member_status(ledger: Any, member: Any) -> MemberStatus:
    """Reads everything the ledger knows about `member`."""
    address = address_arg(member, "member")
    info = ledger.memberOf(address)
    points, last_day, streak, purchased, referrer = (info[0], info[1], info[2], info[3], info[4])
    return MemberStatus(
        address=address,
        points=int(points),
        last_check_in_day=int(last_day),
        streak=int(streak),
        purchased=bool(purchased),
        referrer=None if int(str(referrer), 16) == 0 else str(referrer),
        checked_in_today=bool(ledger.checkedInToday(address)),
    )


def role(contract: Any, name: str) -> bytes:
    """The role id `name` of `contract` (e.g. SPENDER_ROLE), read from the contract itself."""
    getter = getattr(contract, name, None)
    if getter is None:
        raise FanInputError(f"role: {contract.address} has no {name}")
    return getter()


def deploy_ledger(project: Any, admin: Any, rules: Rules | None = None) -> Any:
    """Deploys a PointsLedger administered by `admin`."""
    address_arg(admin, "admin")
    rules = rules or Rules()
    return admin.deploy(project.PointsLedger, admin.address, rules.as_tuple())


def grant_recorder(ledger: Any, recorder: Any, admin: Any) -> None:
    """Lets `recorder` (a sale contract, or a demo account) report purchases to `ledger`."""
    ledger.grantRole(role(ledger, PURCHASE_RECORDER_ROLE), address_arg(recorder, "recorder"), sender=admin)
