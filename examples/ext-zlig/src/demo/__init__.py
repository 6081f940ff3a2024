from .demo import add  # type: ignore

__all__ = ["add"]
