"""gkaudit: audit government portals against an openness plan."""

__version__ = "0.1.0"
#: The project's home (pyproject's [project.urls]; the User-Agent names it to the portals).
PROJECT_URL = "https://github.com/gkaudit/gkaudit"
