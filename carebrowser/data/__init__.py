"""The dataset: its schema, opening databases read-only, building, publishing, synthesising."""

#: The folder, under the dataset's root, that holds the web captures the sources were cleaned from.
CAPTURES_FOLDER = "captures"
