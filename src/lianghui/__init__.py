"""lianghui: the whole life of a legislature's proposals."""

__version__ = "0.1.0"
