"""Compare API responses with the JSON files under golden/; UPDATE_GOLDEN=1 rewrites them."""

import json
import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, data) -> None:
    path = GOLDEN_DIR / f"{name}.json"
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run the tests once with UPDATE_GOLDEN=1"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert data == expected, f"response differs from {path.name} (UPDATE_GOLDEN=1 to accept)"
