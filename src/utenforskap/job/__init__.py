"""The run machinery: configuration, plan, pipeline, manifest, atomic folders, lock, logs, CLI."""
