"""The desktop window (PySide6). Decides how things look, never what is allowed: that is ``core``."""
