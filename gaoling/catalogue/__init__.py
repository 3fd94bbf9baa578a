"""Catalogue of pieces -> validated bilingual token metadata."""

from .load import CatalogueError, LoadedCatalogue, Problem, load_catalogue
from .models import Bilingual, Catalogue, CollectionInfo, Piece, Work
from .render import collection_metadata, to_json_bytes, token_metadata, transfer_rule, work_metadata
from .tokens import TokenMap, TokenRange, token_map

__all__ = ["CatalogueError", "LoadedCatalogue", "Problem", "load_catalogue", "Bilingual", "Catalogue",
           "CollectionInfo", "Piece", "TokenMap", "TokenRange", "Work", "collection_metadata", "to_json_bytes",
           "token_map", "token_metadata", "transfer_rule", "work_metadata"]
