"""The tray node: a PySide6 front end that observes and commands one NodeWorker.

Only this package imports Qt on the node side; ``app.run`` is its entry point.
"""
