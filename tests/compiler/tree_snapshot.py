"""Whole-tree snapshots for byte-exact install/uninstall comparisons."""
import os
from pathlib import Path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file, folder and symlink under root: relative path -> bytes (folders and links marked)."""
    tree = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                tree[rel] = b"->" + os.readlink(path).encode()
            elif path.is_dir():
                tree[rel + "/"] = b""
            else:
                tree[rel] = path.read_bytes()
    return tree
