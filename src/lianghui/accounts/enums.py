# Role is defined in core (the visibility policy and every channel read it); the
# name stays importable from here.
from lianghui.core.roles import Role

__all__ = ["Role"]
