# Two commands for a fresh clone:  make run  (open the window)  and  make test  (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench reliability screenshots icons wheel bundle clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

run: $(BIN)/.installed
	$(BIN)/carebrowser

test: $(BIN)/.installed
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Benchmarks at 1,000 / 100,000 / 1,000,000 statements (archives cached in bench/cache/); see
# docs/performance.md. Not part of `make test`, which runs only a one-repetition smoke run of it.
bench: $(BIN)/.installed
	$(BIN)/python -m bench

# Damaged databases (520, with the command line and the window), hypothesis at 500 examples,
# failed exports; writes docs/reliability.md. Takes 10-25 minutes; `make test` runs a sample.
reliability: $(BIN)/.installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m reliability.report

screenshots: $(BIN)/.installed
	for view in stakeholders matrix compare source network timeline; do \
	  QT_QPA_PLATFORM=offscreen $(BIN)/carebrowser --screenshot docs/screenshots/$$view.png \
	    --size 1280x800 --view $$view --select "Local Government Association" --select "Alan Milburn" || exit 1; \
	done
	# A page of the Word briefing (needs LibreOffice and poppler-utils: soffice, pdftoppm).
	folder=$$(mktemp -d) && \
	$(BIN)/carebrowser export briefing --stakeholder "Local Government Association" \
	  --stakeholder "Alan Milburn" --proposal "Children's trusts" --proposal "Care trusts" \
	  --proposal "Fines for delayed discharge (bed blocking)" -o $$folder/briefing.docx && \
	soffice -env:UserInstallation=file://$$folder/profile --headless --convert-to pdf \
	  --outdir $$folder $$folder/briefing.docx >/dev/null && \
	pdftoppm -png -r 80 -f 1 -l 1 -singlefile $$folder/briefing.pdf docs/screenshots/briefing && \
	rm -rf $$folder

# The icon's PNGs (resources/icons/carebrowser-N.png), rendered from its SVG with Qt's renderer.
icons: $(BIN)/.installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m carebrowser.ui.icon resources/icons

# The wheel that `pipx install` takes: dist/carebrowser-VERSION-py3-none-any.whl.
wheel: $(BIN)/.installed
	$(BIN)/python -m build --wheel --no-isolation --outdir dist .

# A self-contained bundle for machines without Python (PyInstaller, one folder, about 3 minutes):
# dist/carebrowser/carebrowser, packed as dist/carebrowser-VERSION-linux-ARCH.tar.gz.
bundle: $(BIN)/.installed
	$(BIN)/python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist \
	  --workpath build/bundle packaging/carebrowser.spec
	tar -C dist -czf dist/carebrowser-$$($(BIN)/python -c 'import carebrowser; \
	  print(carebrowser.__version__)')-linux-$$(uname -m).tar.gz carebrowser

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
