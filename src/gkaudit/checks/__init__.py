"""The built-in checks: one package each, `<name>/check.py` (manual docstring, `Params`, `@check`),
`cases.yaml` (its golden cases) and `demo.py` (its faults in the demo fleet). The registry
(`gkaudit.plugins.BUILTIN`) lists them; nothing here imports them."""
