# Two commands on a fresh Debian machine (as root, or with sudo):
#   make demo   system packages + virtualenv, then build the example handbook into build/
#   make test   what the tests need, then the test suite
# Each step is idempotent and quick when everything is already there.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := content/ecommerce-ops

# Fonts and the libraries WeasyPrint draws with; HarfBuzz subsetting makes CJK fonts small fast.
# librsvg (on cairo) draws the Word handbook's chart PNGs.
# PyICU (the index's collation) compiles against Debian's ICU: its headers, pkg-config, g++.
SYSTEM_PACKAGES := fonts-noto-cjk fonts-noto-core libharfbuzz-subset0 libpango-1.0-0 \
                   libpangoft2-1.0-0 fontconfig librsvg2-2 libicu-dev pkg-config g++
# Peers and viewers the tests use: pdffonts/pdftoppm, LibreOffice for DOCX (Writer) and the
# workbook (Calc), Chromium for HTML.
TEST_PACKAGES := poppler-utils pandoc libreoffice-writer-nogui libreoffice-calc-nogui chromium

.PHONY: demo test bench bench-quick lint system-packages test-packages clean

demo: system-packages $(VENV)/.installed
	@for dir in content/*/; do \
	  [ -f "$$dir/handbook.yml" ] || continue; \
	  $(BIN)/handbook check "$$dir" || exit 1; \
	done
	$(BIN)/handbook build $(DEMO)
	@echo "open build/$(notdir $(DEMO))/$(notdir $(DEMO)).html, .pdf or .docx"

test: system-packages test-packages $(VENV)/.installed
	$(BIN)/ruff check handbook tests
	$(BIN)/python -m pytest

# The benchmark: handbook vs bare WeasyPrint and pandoc at 50, 200 and 800 positions.
bench: system-packages test-packages $(VENV)/.installed
	$(BIN)/python bench/run.py

bench-quick: system-packages test-packages $(VENV)/.installed
	$(BIN)/python bench/run.py --quick

lint: $(VENV)/.installed
	$(BIN)/ruff check handbook tests

# apt-get only when something is missing, so a second run costs a dpkg query.
define apt_install
	@missing=$$(for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    $$missing >/dev/null; \
	fi
endef

system-packages:
	$(call apt_install,$(SYSTEM_PACKAGES))

test-packages:
	$(call apt_install,$(TEST_PACKAGES))

$(VENV)/.installed: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	@touch $@

clean:
	rm -rf build $(VENV)
