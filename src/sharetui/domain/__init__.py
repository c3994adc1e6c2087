"""The figures: plain data and plain computation over what the store reads (series, baselines, alerts, the
forecast). No I/O, no Textual."""
