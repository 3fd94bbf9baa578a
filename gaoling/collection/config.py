"""Collection configs: `metadata/collections/<slug>.yaml`, validated before any transaction.

A config describes one capped-edition collection: what it is called, how many copies exist, who
earns royalties and primary revenue, how tokens may be transferred, where its metadata lives, and
its sale phases. `load_collection_config` reads and validates one file completely (including the
allowlist CSV it points at) and either returns a `CollectionConfig` whose values are already the
exact on-chain values, or raises `CollectionConfigError` listing every problem as
`<file>: <field path>: <what is wrong and what to write>`. Deploy scripts call it before they send
anything, so a bad config never leaves a half-configured contract behind.

The format and the reasons behind each rule are in docs/collections.md.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gaoling.inputs import (
    UINT32_MAX,
    parse_address,
    parse_duration,
    parse_ipfs_uri,
    parse_price,
    parse_timestamp,
    parse_uint,
)
from gaoling.merkle import AllowlistError, StandardMerkleTree, allowlist_tree, read_allowlist_csv

MAX_CAP = 1_000_000
ROYALTY_MIN_BPS = 250  # 2.5%
ROYALTY_MAX_BPS = 1000  # 10%
TOTAL_BPS = 10_000
MAX_PAYEES = 16
MAX_HOLDING_PERIOD = 3650 * 86400  # ten years: longer is a typo, or non-transferable in disguise

PHASE_ALLOWLIST = 0
PHASE_PUBLIC = 1
ZERO_ROOT = b"\x00" * 32

Loc = tuple[str | int, ...]


# -- errors ----------------------------------------------------------------------------------------

class FieldIssue(ValueError):
    """Raised inside a validator to report problems at paths below the validated value.

    Pydantic locates a validator's error at the value it validates (`split`); this lets a
    validator point deeper (`split[2].address`) and report several problems at once.
    """

    def __init__(self, *issues: tuple[Loc, str]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(f"{format_loc(loc) or '(here)'}: {msg}" for loc, msg in issues))


class CollectionConfigError(ValueError):
    """Every problem found in one config file, each with its field path."""

    def __init__(self, source: str, issues: Sequence[tuple[str, str]]) -> None:
        self.source = source
        self.issues = list(issues)
        lines = [f"{source}: {path}: {msg}" if path else f"{source}: {msg}" for path, msg in self.issues]
        super().__init__("\n".join(lines))


def format_loc(loc: Sequence[str | int]) -> str:
    """('split', 2, 'bps') -> 'split[2].bps'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# -- field types -----------------------------------------------------------------------------------

def _uint(minimum: int, maximum: int, rule: str) -> BeforeValidator:
    """A whole number in [minimum, maximum]; `rule` explains the range when a value is outside it."""
    def check(value: Any) -> int:
        try:
            return parse_uint(value, minimum=minimum, maximum=maximum)
        except ValueError:
            pass
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError(f"{value} is out of range: {rule}")
        raise ValueError(f"expected a whole number from {minimum} to {maximum}, got {value!r}")
    return BeforeValidator(check)


def _strict_str(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"YAML read this as {str(value).lower()}; put the text in quotes")
    if isinstance(value, (int, float)):
        raise ValueError(f"expected text, got the number {value!r}; put it in quotes")
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if value != value.strip():
        raise ValueError(f"{value!r} has leading or trailing spaces; remove them")
    return value


def _symbol(value: str) -> str:
    if any(ch.isspace() for ch in value):
        raise ValueError(f"{value!r} contains spaces; a symbol is one word, e.g. JDZBW")
    return value


def _max_length(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"is {len(value)} characters long; keep it to {limit}")
        return value
    return check


def _holding_period(value: Any) -> Any:
    if value is None:
        return None
    seconds = parse_duration(value)
    if seconds == 0:
        raise ValueError("a holding period of 0 means no holding period; use policy: free instead")
    if seconds > MAX_HOLDING_PERIOD:
        raise ValueError(f"{value!r} is longer than 3650d (ten years); for tokens that never move, "
                         "use policy: non-transferable")
    return seconds


Address = Annotated[str, BeforeValidator(parse_address)]
Text = Annotated[str, BeforeValidator(_strict_str), AfterValidator(_non_empty)]
Bps = Annotated[int, _uint(1, TOTAL_BPS, "a share is 1..10000 bps (remove a payee with no share)")]
Wei = Annotated[int, BeforeValidator(parse_price)]
Timestamp = Annotated[int, BeforeValidator(parse_timestamp)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Role(str, Enum):
    ISSUER = "issuer"
    MUSEUM = "museum"
    ARTIST = "artist"


class TransferPolicy(str, Enum):
    """Chosen at deploy and fixed for the life of the collection."""

    FREE = "free"
    HOLDING_PERIOD = "holding-period"
    NON_TRANSFERABLE = "non-transferable"
    # As practised on Chinese platforms: every acquisition (mint or transfer) starts a new period.
    HOLDING_PERIOD_EVERY_TRANSFER = "holding-period-every-transfer"

    @property
    def holds(self) -> bool:
        """True for the policies that take a holding_period."""
        return self in (TransferPolicy.HOLDING_PERIOD, TransferPolicy.HOLDING_PERIOD_EVERY_TRANSFER)

    @property
    def code(self) -> int:
        """The Solidity `TransferPolicy` enum value."""
        return list(TransferPolicy).index(self)


def _show_time(seconds: int) -> str:
    """A unix time as CST and UTC dates, e.g. 2026-12-03 20:00 CST (12:00 UTC)."""
    from datetime import datetime, timedelta, timezone

    utc = datetime.fromtimestamp(seconds, tz=timezone.utc)
    cst = utc.astimezone(timezone(timedelta(hours=8)))
    return f"{cst:%Y-%m-%d %H:%M} CST ({utc:%Y-%m-%d %H:%M} UTC)"


# -- the models ------------------------------------------------------------------------------------

class Royalty(_Model):
    """The default ERC-2981 royalty on every resale."""

    receiver: Address
    bps: Annotated[int, _uint(ROYALTY_MIN_BPS, ROYALTY_MAX_BPS,
                              "the contract accepts royalties of 250..1000 bps (2.5%..10%)")]


class Payee(_Model):
    """One share of primary-sale revenue, withdrawn by the payee (pull payment)."""

    name: Annotated[Text, AfterValidator(_max_length(80))]
    role: Role
    address: Address
    bps: Bps


class Transfer(_Model):
    policy: TransferPolicy
    holding_period: Annotated[int | None, BeforeValidator(_holding_period)] = None

    @field_validator("holding_period")
    @classmethod
    def _required_iff_holding(cls, value: int | None, info: ValidationInfo) -> int | None:
        policy = info.data.get("policy")
        if policy is not None and policy.holds and value is None:
            raise ValueError(f"policy {policy.value} needs a holding_period, e.g. 180d")
        if policy is not None and not policy.holds and value is not None:
            raise ValueError(f"holding_period only applies to policies holding-period and "
                             f"holding-period-every-transfer; remove it (the policy is {policy.value})")
        return value


class Uris(_Model):
    """Empty until the metadata is published to IPFS; the base URI can change until frozen."""

    base: Annotated[str, BeforeValidator(_strict_str),
                    AfterValidator(lambda v: parse_ipfs_uri(v, directory=True))] = ""
    contract: Annotated[str, BeforeValidator(_strict_str),
                        AfterValidator(lambda v: parse_ipfs_uri(v, directory=False))] = ""


class Phase(_Model):
    """A sale window with its own price and per-wallet limit."""

    price: Wei
    start: Timestamp
    end: Timestamp
    max_per_wallet: Annotated[int, _uint(1, UINT32_MAX, f"max_per_wallet is 1..{UINT32_MAX}")]

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: int, info: ValidationInfo) -> int:
        start = info.data.get("start")
        if start is not None and value <= start:
            raise ValueError(f"the phase must end after it starts (start {start}, end {value} unix seconds)")
        now = (info.context or {}).get("now")
        if now is not None and value <= now:
            raise ValueError(f"this phase already ended ({_show_time(value)}); nobody could buy in it. Move `end` "
                             "(and `start`) into the future, or remove the phase")
        return value

    def args(self) -> tuple[int, int, int, int]:
        """The Solidity `Phase` struct: (price, start, end, maxPerWallet)."""
        return (self.price, self.start, self.end, self.max_per_wallet)


class PublicPhase(Phase):
    pass


class AllowlistPhase(Phase):
    allowlist: Annotated[Text, Field(description="CSV path, relative to the config file")]


class Phases(_Model):
    allowlist: AllowlistPhase | None = None
    public: PublicPhase | None = None


class Roles(_Model):
    """Who holds each contract role after deploy; an unset role stays with the admin."""

    admin: Address | None = None
    sale_manager: Address | None = None
    order_signer: Address | None = None
    metadata_manager: Address | None = None
    pauser: Address | None = None


class CollectionConfig(_Model):
    name: Annotated[Text, AfterValidator(_max_length(100))]
    symbol: Annotated[Text, AfterValidator(_max_length(16)), AfterValidator(_symbol)]
    cap: Annotated[int, _uint(1, MAX_CAP, f"the cap is 1..{MAX_CAP:,} copies")]
    royalty: Royalty
    split: list[Payee]
    transfer: Transfer
    uris: Uris = Uris()
    phases: Phases = Phases()
    roles: Roles = Roles()

    _allowlist_path: Path | None = PrivateAttr(default=None)
    _allowlist: StandardMerkleTree | None = PrivateAttr(default=None)

    @field_validator("split")
    @classmethod
    def _check_split(cls, payees: list[Payee]) -> list[Payee]:
        if not payees:
            raise ValueError("list at least one payee (the issuer)")
        if len(payees) > MAX_PAYEES:
            raise ValueError(f"{len(payees)} payees; at most {MAX_PAYEES} keep withdrawals cheap")
        issues: list[tuple[Loc, str]] = []
        first_at: dict[str, int] = {}
        for i, payee in enumerate(payees):
            if payee.address in first_at:
                issues.append(((i, "address"), f"{payee.address} is already split[{first_at[payee.address]}]; "
                               "give each payee one row with the combined bps"))
            first_at.setdefault(payee.address, i)
        total = sum(p.bps for p in payees)
        if total != TOTAL_BPS:
            issues.append(((), f"the shares add up to {total} bps; they must add up to exactly {TOTAL_BPS} "
                           f"(100%), {'remove' if total > TOTAL_BPS else 'add'} {abs(total - TOTAL_BPS)} bps"))
        if not any(p.role is Role.ISSUER for p in payees):
            issues.append(((), "no payee has role issuer; the issuer must be one of the payees"))
        if issues:
            raise FieldIssue(*issues)
        return payees

    @model_validator(mode="after")
    def _check_against_cap(self, info: ValidationInfo) -> "CollectionConfig":
        issues: list[tuple[Loc, str]] = []
        for key in ("allowlist", "public"):
            phase = getattr(self.phases, key)
            if phase is not None and phase.max_per_wallet > self.cap:
                issues.append((("phases", key, "max_per_wallet"),
                               f"{phase.max_per_wallet} is more than the cap of {self.cap}"))
        if self.phases.allowlist is not None:
            base = Path((info.context or {}).get("base_dir", "."))
            path = base / self.phases.allowlist.allowlist
            where = ("phases", "allowlist", "allowlist")
            try:
                entries = read_allowlist_csv(path)
            except AllowlistError as exc:
                issues.append((where, str(exc)))
            else:
                over = [e for e in entries if e.quantity > self.cap]
                if over:
                    issues.append((where, f"{path}:{over[0].line}: quantity {over[0].quantity} is more "
                                   f"than the cap of {self.cap}"))
                else:
                    self._allowlist_path = path
                    self._allowlist = allowlist_tree(entries)
        if issues:
            raise FieldIssue(*issues)
        return self

    # -- on-chain arguments ------------------------------------------------------------------------

    @property
    def allowlist_tree(self) -> StandardMerkleTree | None:
        """The allowlist phase's Merkle tree, built from its CSV during validation."""
        return self._allowlist

    @property
    def allowlist_path(self) -> Path | None:
        return self._allowlist_path

    def edition_init(self, admin: str | None = None) -> tuple[Any, ...]:
        """The `EditionInit` constructor struct.

        `admin` (for example the deploying account) wins over `roles.admin`; one of them is needed.
        """
        chosen = admin if admin is not None else self.roles.admin
        if chosen is None:
            raise ValueError("admin: pass the admin address or set roles.admin in the config")
        try:
            chosen = parse_address(str(chosen))
        except ValueError as exc:
            raise ValueError(f"admin: {exc}") from None
        return (
            self.name,
            self.symbol,
            self.cap,
            self.uris.base,
            self.uris.contract,
            self.royalty.receiver,
            self.royalty.bps,
            [p.address for p in self.split],
            [p.bps for p in self.split],
            self.transfer.policy.code,
            self.transfer.holding_period or 0,
            chosen,
        )

    def phase_args(self) -> list[tuple[int, tuple[int, int, int, int], bytes]]:
        """`(phaseId, Phase struct, merkleRoot)` for each configured phase; the public root is zero."""
        out: list[tuple[int, tuple[int, int, int, int], bytes]] = []
        if self.phases.allowlist is not None:
            assert self._allowlist is not None  # built by validation
            out.append((PHASE_ALLOWLIST, self.phases.allowlist.args(), self._allowlist.root_bytes))
        if self.phases.public is not None:
            out.append((PHASE_PUBLIC, self.phases.public.args(), ZERO_ROOT))
        return out

    def role_grants(self) -> dict[str, str]:
        """Role name -> address for every role the config assigns beyond the admin."""
        return {name: addr for name, addr in self.roles.model_dump().items()
                if addr is not None and name != "admin"}


# -- reading files ---------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """YAML 1.1 with three surprises removed, because a config is money and access control:
    - unquoted `0x...` stays text: YAML would read an address as a (huge) integer;
    - dates and times stay text, so that our own parser insists on a timezone;
    - a key that appears twice is an error instead of the last one silently winning."""


def _int_or_hex_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    if isinstance(text, str) and text.lstrip("+-").lower().startswith("0x"):
        return text
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _timestamp_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    return loader.construct_scalar(node)


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice in this mapping; keep one", key_node.start_mark)
        seen[key] = True
    return loader.construct_mapping(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _int_or_hex_text)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_text)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _model_at(model: type[BaseModel] | None, loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the field at `loc`, to list its known fields."""
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _find_model(field.annotation)
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _find_model(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if found := _find_model(arg):
                return found
    return None


def _describe(error: dict[str, Any], root: type[BaseModel] | None = None) -> list[tuple[Loc, str]]:
    """One pydantic error as (field path, message) pairs, worded for the person editing the file.

    `root` is the model the file validates against (the collection config unless told), used to
    list the known fields and suggest the nearest one for a misspelt key."""
    root = root or CollectionConfig
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, FieldIssue):
        return [(loc + sub, msg) for sub, msg in cause.issues]
    if kind == "value_error" and cause is not None:
        return [(loc, str(cause))]
    if kind == "extra_forbidden":
        owner = _model_at(root, loc[:-1])
        fields = list(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6) if loc else []
        hint = f"did you mean `{close[0]}`?" if close else "check the spelling"
        known = f" (known fields here: {', '.join(fields)})" if fields else ""
        return [(loc, f"unknown field; {hint}{known}")]
    if kind == "missing":
        return [(loc, "required field is missing; add it")]
    if kind in ("model_type", "dict_type"):
        return [(loc, f"expected a mapping of fields, got {error['input']!r}")]
    if kind == "list_type":
        return [(loc, f"expected a list, got {error['input']!r}")]
    return [(loc, f"{error['msg']}, got {error['input']!r}")]


def parse_collection_config(data: Any, source: str = "<config>",
                            base_dir: str | Path = ".", now: int | None = None) -> CollectionConfig:
    """Validates already-parsed YAML/JSON data. `base_dir` resolves the allowlist CSV path; with
    `now` (unix seconds; deploys and `ape run check` pass the current time) a phase that has
    already ended is an error."""
    if not isinstance(data, dict):
        raise CollectionConfigError(source, [("", "the file must be a YAML mapping of fields (name: ..., "
                                              "symbol: ..., ...)")])
    try:
        return CollectionConfig.model_validate(data, context={"base_dir": Path(base_dir), "now": now})
    except ValidationError as exc:
        issues = [(format_loc(loc), msg) for err in exc.errors(include_url=False)
                  for loc, msg in _describe(err)]
        raise CollectionConfigError(source, issues) from None


def load_collection_config(path: str | Path, now: int | None = None) -> CollectionConfig:
    """Reads and validates `metadata/collections/<slug>.yaml` (and the allowlist CSV it names)."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CollectionConfigError(source, [("", f"cannot read the config: {exc.strerror or exc}")]) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CollectionConfigError(source, [("", f"{where}not valid YAML: {problem}")]) from None
    return parse_collection_config(data, source, base_dir=path.parent, now=now)
