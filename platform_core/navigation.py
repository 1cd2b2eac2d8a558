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
    group: str | None = None  # key of a NavGroup: shown inside that group's dropdown


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: object
    icon: str
    order: int


NAV_ITEMS: list[NavItem] = []
NAV_GROUPS: dict[str, NavGroup] = {}


def register_nav(label, url_name: str, *, icon: str = "circle", order: int = 100, visible=None, group=None) -> None:
    NAV_ITEMS.append(NavItem(label, url_name, icon, order, visible, group))
    NAV_ITEMS.sort(key=lambda item: item.order)


def register_nav_group(key: str, label, *, icon: str, order: int) -> None:
    NAV_GROUPS[key] = NavGroup(key, label, icon, order)


def nav_for(user, current_path: str) -> list[dict]:
    """Top-level menu entries: single links, and groups (dropdowns) holding their links in order."""
    links = []
    for item in NAV_ITEMS:
        if item.visible is not None and not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        links.append({"label": item.label, "url": url, "icon": item.icon, "active": False,
                      "group": item.group if item.group in NAV_GROUPS else None, "order": item.order})
    # Only the link with the longest URL that prefixes the current path is highlighted.
    matching = [i for i in links if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    entries, groups = [], {}
    for link in links:
        if link["group"] is None:
            entries.append(link)
            continue
        group = groups.get(link["group"])
        if group is None:
            spec = NAV_GROUPS[link["group"]]
            group = groups[link["group"]] = {"label": spec.label, "icon": spec.icon, "order": spec.order,
                                              "children": [], "active": False}
            entries.append(group)
        group["children"].append(link)
        group["active"] = group["active"] or link["active"]
    entries.sort(key=lambda entry: entry["order"])
    # A group with a single visible link is shown as that link.
    return [e["children"][0] if "children" in e and len(e["children"]) == 1 else e for e in entries]


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
