"""A tiny example package built by goflit."""

__version__ = "1.0.0"


def greet(name="world"):
    return f"Hello, {name}!"


def main():
    print(greet())
