"""Paths shared by the tooling tests, and sys.path set-up so `elical_tools` imports."""
import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(TESTS)
REPO = os.path.dirname(TOOLS)
FIXTURE = os.path.join(REPO, 'test', 'fixtures', 'tiny-llama')
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)
