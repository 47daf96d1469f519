"""Prints one closing line for `make test`: the pytest suites' JUnit files plus the test stories.

python scripts/test_summary.py results      ->  "tests: 312 passed, 0 failed"
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def main(results: Path) -> int:
    passed = failed = 0
    for junit in sorted((results / "junit").glob("*.xml")):
        for suite in ElementTree.parse(junit).getroot().iter("testsuite"):
            total = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped = int(suite.get("skipped", 0))
            passed += total - bad - skipped
            failed += bad + skipped  # a skipped check is not a pass here
    story_report = results / "stories" / "story_report.json"
    if story_report.exists():
        stories = json.loads(story_report.read_text())["conversation_accuracy"]
        passed += stories["correct"]
        failed += stories["total"] - stories["correct"]
    print(f"tests: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
