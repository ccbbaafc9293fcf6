"""Bundled demo data: a fictional kommune, generated from a fixed seed, and a small frame of it."""

from utenforskap.datasets.demo import DEMO_DIR, DEMO_KOMMUNE, write_demo_data
from utenforskap.datasets.demo_cache import (
    demo_config_path,
    demo_data_dir,
    demo_project_dir,
    ensure_demo_data,
    user_cache_dir,
)
from utenforskap.datasets.small import demo_counts, demo_indicators

__all__ = [
    "DEMO_DIR",
    "DEMO_KOMMUNE",
    "demo_config_path",
    "demo_counts",
    "demo_data_dir",
    "demo_indicators",
    "demo_project_dir",
    "ensure_demo_data",
    "user_cache_dir",
    "write_demo_data",
]
