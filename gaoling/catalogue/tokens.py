"""Catalogue -> token ids: the one mapping every part of the platform uses.

The edition's pieces, in order of their catalogue id, take consecutive blocks of token ids:
tokens 1..size₁ show piece 1, tokens size₁+1..size₁+size₂ the next piece, and so on. The sizes
must add up to the edition's cap exactly, so every token the contract can ever mint has its own
metadata and none is left pointing at a file that does not exist. Within its piece a token has
an edition number: token size₁+37 is "#37 / size₂" of the second piece.

1/1 works (the catalogue's `works`) are not part of this mapping: they are minted one by one on
the artworks collection, each with its own metadata CID.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .load import CatalogueError, LoadedCatalogue, Problem
from .models import Piece


@dataclass(frozen=True)
class TokenRange:
    """Tokens `first`..`last` (inclusive) show `piece`; token `first` is its "#1 / size"."""

    piece: Piece
    first: int
    last: int

    @property
    def size(self) -> int:
        return self.last - self.first + 1


class TokenMap:
    """The token ranges of an edition catalogue; `cap` is the sum of the pieces' sizes."""

    def __init__(self, pieces: list[Piece]) -> None:
        self.ranges: list[TokenRange] = []
        first = 1
        for piece in sorted(pieces, key=lambda p: p.id):
            self.ranges.append(TokenRange(piece, first, first + piece.edition.size - 1))
            first += piece.edition.size
        self.cap = first - 1
        self._starts = [r.first for r in self.ranges]

    def locate(self, token_id: int) -> tuple[TokenRange, int]:
        """(the range holding `token_id`, the token's edition number within its piece)."""
        if not 1 <= token_id <= self.cap:
            raise KeyError(f"token {token_id} is outside 1..{self.cap}")
        r = self.ranges[bisect.bisect_right(self._starts, token_id) - 1]
        return r, token_id - r.first + 1

    def __iter__(self):
        """(token id, range, edition number) for every token 1..cap, in order."""
        for r in self.ranges:
            for n in range(1, r.size + 1):
                yield r.first + n - 1, r, n


def token_map(loaded: LoadedCatalogue, cap: int | None = None) -> TokenMap:
    """The mapping of `loaded`; with `cap` (the edition's, from its collection config), a
    CatalogueError unless the pieces' sizes add up to exactly that cap."""
    tmap = TokenMap(loaded.pieces)
    if cap is not None and tmap.cap != cap:
        sizes = (" + ".join(str(p.edition.size) for p in loaded.pieces) if len(loaded.pieces) <= 20
                 else f"{len(loaded.pieces)} pieces")
        hint = "raise some sizes" if tmap.cap < cap else "lower some sizes (or raise the cap)"
        raise CatalogueError([Problem(str(loaded.path), None, "pieces: edition.size",
                                      f"the pieces' edition sizes add up to {tmap.cap} ({sizes}), but the "
                                      f"collection's cap is {cap}: every token 1..{cap} needs a piece; {hint}")])
    return tmap
