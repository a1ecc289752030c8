"""The dataset: its schema, opening databases read-only, building, publishing, synthesising."""
