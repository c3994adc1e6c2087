"""The edges to the machine: where files live, writing them whole, and the writer lock files."""
