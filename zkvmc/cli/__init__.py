"""The command-line interface: a thin click layer over the library (the only place rich is used)."""
