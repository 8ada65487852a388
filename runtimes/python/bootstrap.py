"""bootstrap.py — nimbus's Python runtime entry point, started as
`/usr/bin/python3 <dir>/runtimes/python/bootstrap.py` in every instance of a
python3.x function. A script is compiled on every start; the runtime itself
lives in _nimbus_runtime.py so that it loads from cached bytecode."""
import _nimbus_runtime

_nimbus_runtime.run()
