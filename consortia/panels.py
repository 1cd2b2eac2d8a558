"""Home-page card of the joint centers: the user's positions (双管理、双首席)."""
from .selectors import center_positions_of


def holds_center_position(user) -> bool:
    return center_positions_of(user).exists()


def my_centers_panel(request) -> dict:
    return {"positions": list(center_positions_of(request.user)[:5])}
