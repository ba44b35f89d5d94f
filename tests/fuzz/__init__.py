"""Coverage-guided fuzz targets (atheris) for the parsers; see docs/fuzzing.md."""
