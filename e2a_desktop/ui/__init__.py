"""The desktop window (PySide6): views over the job service; it observes and commands only."""
