"""The main menu and the home-page panels.

Each app registers its entries in AppConfig.ready, so no app edits the base layout or the home page.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: object
    url_name: str
    icon: str = "circle"
    order: int = 100
    visible: Callable | None = None  # visible(user) -> bool; None means every signed-in user


NAV_ITEMS: list[NavItem] = []


def register_nav(label, url_name: str, *, icon: str = "circle", order: int = 100, visible=None) -> None:
    NAV_ITEMS.append(NavItem(label, url_name, icon, order, visible))
    NAV_ITEMS.sort(key=lambda item: item.order)


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.visible is not None and not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
    # Only the entry with the longest URL that prefixes the current path is highlighted.
    matching = [i for i in items if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return items


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: Callable  # context(request) -> dict for the panel template
    order: int = 100
    visible: Callable | None = None


HOME_PANELS: list[HomePanel] = []


def register_home_panel(template: str, context, *, order: int = 100, visible=None) -> None:
    """Add a card to the home page; `visible(user)` decides who sees it (None: everyone signed in)."""
    HOME_PANELS.append(HomePanel(template, context, order, visible))
    HOME_PANELS.sort(key=lambda panel: panel.order)


def home_panels_for(request) -> list[dict]:
    return [
        {"template": panel.template, **panel.context(request)}
        for panel in HOME_PANELS
        if panel.visible is None or panel.visible(request.user)
    ]
