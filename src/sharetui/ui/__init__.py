"""The Textual app, its screens and widgets: they paint what they are handed."""
