"""run_tests.py — runs every tests/runtimes/test_*.py test; args filter by name."""
import sys

import harness
import test_node  # noqa: F401
import test_node_sdk  # noqa: F401
import test_bad_api  # noqa: F401
try:
    import test_python  # noqa: F401
except ImportError:
    pass
try:
    import test_native  # noqa: F401
except ImportError:
    pass

sys.exit(0 if harness.run_all(sys.argv[1:]) else 1)
