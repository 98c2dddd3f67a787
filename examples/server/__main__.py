"""``python -m examples.server``: the same as ``make demo``."""

from examples.demo import main

if __name__ == "__main__":
    main()
