from .demo import add
