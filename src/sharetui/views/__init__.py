"""View models: what the table, the header and the video screen show, worked out off the event loop with no
Textual, so the widgets only paint."""
