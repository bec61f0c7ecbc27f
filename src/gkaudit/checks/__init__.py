"""The built-in checks: one module each; its docstring is the manual `gkaudit explain` prints."""
