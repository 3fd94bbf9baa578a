"""The `crowdfund:` section of `metadata/platform.yaml`, validated offline like every config.

    crowdfund:
      campaigns:
        - name: celadon-moon-vase          # a slug, used by `ape run crowdfund create --campaign`
          collection: jingdezhen-blue-and-white   # a collection listed under `collections`
          goal: 2 ether                   # in value (see docs/crowdfund.md for why not pieces)
          deadline: 2026-12-20T20:00:00+08:00     # or `duration: 14d` from creation
          wallet_limit: 5                 # pieces per wallet, 0 = none
          tiers:
            - {name: digital, price: 0.05 ether, cap: 100}
            - {name: fired,   price: 0.3 ether,  cap: 10, physical: true}
          payees: edition                 # the edition's split, or a list of {address, bps}

`check_platform(config, collections)` adds the cross-section checks (the collection exists, its
cap leaves room for the tiers, a physical tier needs the vouchers section) to the platform loader.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from gaoling.crowdfund.chain import MAX_DURATION, MAX_TIER_CAP, MAX_TIERS, CampaignSpec, TierSpec
from gaoling.inputs import parse_address, parse_duration, parse_price, parse_timestamp

Address = Annotated[str, BeforeValidator(parse_address)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TierConfig(_Model):
    name: str = Field(min_length=1, description="shown to collectors, e.g. 'digital' or 'fired piece'")
    price: str = Field(description="price of one piece, with its unit, e.g. '0.05 ether'")
    cap: int = Field(ge=1, le=MAX_TIER_CAP, description="most pieces of this tier")
    physical: bool = Field(False, description="each piece also carries the right to the fired object (a voucher)")

    @field_validator("price")
    @classmethod
    def _price(cls, value: Any) -> str:
        if parse_price(value) == 0:
            raise ValueError("a tier's price must be above zero")
        return str(value)

    def price_wei(self) -> int:
        return parse_price(self.price)


class PayeeConfig(_Model):
    address: Address
    bps: int = Field(ge=1, le=10_000)


class CampaignConfig(_Model):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="slug naming the campaign in commands")
    collection: str = Field(description="slug of a collection listed under `collections`")
    goal: str = Field(description="funding goal in value, e.g. '2 ether'")
    deadline: Any = Field(None, description="ISO-8601 time with timezone; or give `duration`")
    duration: Any = Field(None, description="time from creation to the deadline, e.g. '14d'")
    wallet_limit: int = Field(0, ge=0, le=MAX_TIER_CAP, description="pieces per wallet, 0 = no limit")
    tiers: list[TierConfig] = Field(min_length=1, max_length=MAX_TIERS)
    payees: Literal["edition"] | list[PayeeConfig] = Field("edition", description="'edition' or {address, bps} list")

    @field_validator("goal")
    @classmethod
    def _goal(cls, value: Any) -> str:
        if parse_price(value) == 0:
            raise ValueError("the goal must be above zero")
        return str(value)

    @field_validator("deadline")
    @classmethod
    def _deadline(cls, value: Any) -> Any:
        if value is not None:
            parse_timestamp(value)
        return value

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        if value is not None:
            seconds = parse_duration(value)
            if not 0 < seconds <= MAX_DURATION:
                raise ValueError("a campaign runs for more than 0 seconds and at most 90 days")
        return value

    @field_validator("payees")
    @classmethod
    def _shares(cls, value: Any) -> Any:
        if isinstance(value, list):
            total = sum(p.bps for p in value)
            if total != 10_000:
                raise ValueError(f"the shares add up to {total} bps; they must add up to exactly 10000")
            if len({p.address for p in value}) != len(value):
                raise ValueError("a payee is listed twice")
        return value

    @model_validator(mode="after")
    def _schedule_and_goal(self) -> "CampaignConfig":
        if (self.deadline is None) == (self.duration is None):
            raise ValueError("give either `deadline` (a time with timezone) or `duration` (e.g. '14d'), not both")
        max_raise = sum(t.price_wei() * t.cap for t in self.tiers)
        if parse_price(self.goal) > max_raise:
            raise ValueError(f"the goal {self.goal} cannot be reached: every tier sold out raises {max_raise} wei")
        return self

    @property
    def total_cap(self) -> int:
        return sum(t.cap for t in self.tiers)

    @property
    def has_physical(self) -> bool:
        return any(t.physical for t in self.tiers)

    def deadline_at(self, now: int) -> int:
        """The deadline as unix seconds, for a campaign created at `now`."""
        return parse_timestamp(self.deadline) if self.deadline is not None else now + parse_duration(self.duration)

    def spec(self, edition: str, now: int) -> CampaignSpec:
        payees = () if self.payees == "edition" else tuple((p.address, p.bps) for p in self.payees)
        return CampaignSpec(edition, self.deadline_at(now), parse_price(self.goal), self.wallet_limit,
                            tuple(TierSpec(t.price_wei(), t.cap, t.physical) for t in self.tiers), payees)


class CrowdfundSection(_Model):
    campaigns: list[CampaignConfig] = Field(default_factory=list)

    @field_validator("campaigns")
    @classmethod
    def _unique(cls, campaigns: list[CampaignConfig]) -> list[CampaignConfig]:
        names = [c.name for c in campaigns]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"campaign names must be unique: {', '.join(twice)} appear more than once")
        return campaigns

    def campaign(self, name: str) -> CampaignConfig:
        for c in self.campaigns:
            if c.name == name:
                return c
        known = ", ".join(c.name for c in self.campaigns) or "none"
        raise KeyError(f"no campaign named {name!r} in platform.yaml (known: {known})")


def check_platform(section: CrowdfundSection, caps: dict[str, int], has_vouchers: bool) -> list[tuple[str, str]]:
    """Cross-section problems as (field path, message), like the platform loader reports them."""
    issues: list[tuple[str, str]] = []
    reserved: dict[str, int] = {}
    for i, c in enumerate(section.campaigns):
        where = f"crowdfund.campaigns[{i}]"
        if c.collection not in caps:
            issues.append((f"{where}.collection", f"{c.collection} is not one of the collections listed above "
                                                  f"({', '.join(sorted(caps)) or 'none'})"))
            continue
        reserved[c.collection] = reserved.get(c.collection, 0) + c.total_cap
        if reserved[c.collection] > caps[c.collection]:
            issues.append((f"{where}.tiers", f"the tiers of the campaigns on {c.collection} add up to "
                                             f"{reserved[c.collection]} pieces, more than its cap of "
                                             f"{caps[c.collection]}"))
        if c.has_physical and not has_vouchers:
            issues.append((f"{where}.tiers", "a physical tier grants vouchers: add the vouchers section too"))
    return issues
