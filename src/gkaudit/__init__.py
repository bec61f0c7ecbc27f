"""gkaudit: audit government portals against an openness plan."""

__version__ = "0.1.0"
