"""Catalogue of pieces -> validated bilingual token metadata."""

from .load import CatalogueError, LoadedCatalogue, Problem, load_catalogue
from .models import Bilingual, Catalogue, CollectionInfo, Piece
from .render import collection_metadata, to_json_bytes, token_metadata

__all__ = ["CatalogueError", "LoadedCatalogue", "Problem", "load_catalogue", "Bilingual", "Catalogue",
           "CollectionInfo", "Piece", "collection_metadata", "to_json_bytes", "token_metadata"]
