"""Demo package."""
def main():
    print("demo main ran")
    return 0
