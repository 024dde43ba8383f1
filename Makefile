# journeymap: one command sets up and runs the demo, one sets up and runs the tests.
# Both install what they need: system packages (graphviz, fonts) through apt-get when
# missing, and a virtual environment in .venv with the package and its dev extras.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= out
SHELL  := /bin/bash
.SHELLFLAGS := -o pipefail -c

.PHONY: demo test system venv i18n lint typecheck unit fuzz benchmark golden docs gallery format format-check clean

demo: system venv
	$(BIN)/journeymap validate maps/
	@mkdir -p $(OUT)/analysis
	for m in $$(grep -l '^journeymap: 1' $$(find maps -name '*.yaml' | sort)); do $(BIN)/journeymap analyze "$$m" --format markdown --quiet -o "$(OUT)/analysis/$$(basename "$$m" .yaml).md" || exit 1; done
	$(BIN)/journeymap analyze maps/first-purchase.yaml
	$(BIN)/journeymap opportunities maps/first-purchase.yaml
	$(BIN)/journeymap render maps/first-purchase.yaml --view opportunities -o $(OUT)/first-purchase-opportunities.svg -q
	@for m in $$(grep -l '^journeymap: 1' $$(find maps -name '*.yaml' | sort)); do \
	  n=$$(basename "$$m" .yaml); mkdir -p "$(OUT)/$$n"; \
	  lang=$$(sed -n 's/^language: *//p' "$$m"); \
	  $(BIN)/journeymap render "$$m" --view graph -o "$(OUT)/$$n/graph.svg" -q && \
	  $(BIN)/journeymap render "$$m" --view canvas -o "$(OUT)/$$n/canvas.pdf" -q && \
	  $(BIN)/journeymap render "$$m" --view report -o "$(OUT)/$$n/report.html" -q && \
	  $(BIN)/journeymap render "$$m" --view mermaid -o "$(OUT)/$$n/journey.mmd" -q && \
	  $(BIN)/journeymap render "$$m" --view deck -o "$(OUT)/$$n/deck.pptx" -q || exit 1; \
	  echo "rendered $$m in $${lang:-en} into $(OUT)/$$n/ (graph.svg, canvas.pdf, report.html, journey.mmd, deck.pptx)"; done
	$(BIN)/journeymap check maps/
	$(BIN)/journeymap experiment benchmarks/experiment_demo/checkout.yaml --events benchmarks/experiment_demo/log.csv.gz --variant-column variant --lost-after 1d
	$(BIN)/journeymap discover tests/events/data/retentioneering-ecom.csv.gz --goal purchase --force --quiet -o $(OUT)/events-draft.yaml
	$(BIN)/journeymap ingest tests/events/data/retentioneering-ecom.csv.gz --map $(OUT)/events-draft.yaml -o $(OUT)/events-overlay.json
	$(BIN)/journeymap analyze $(OUT)/events-draft.yaml --data $(OUT)/events-overlay.json --samples 0

test: system venv lint typecheck unit

system:
	@bash .ci/system-deps.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m journeymap.i18n.catalogues compile
	@touch $(STAMP)

# the catalogues: extract the fixed strings into journeymap/i18n/journeymap.pot, update the four
# .po files (translations kept; a new message arrives untranslated), compile the .mo files
i18n: venv
	$(BIN)/python -m journeymap.i18n.catalogues all

lint: venv
	$(BIN)/ruff check journeymap tests benchmarks docs
	$(BIN)/ruff format --check journeymap tests benchmarks docs
	$(BIN)/lint-imports --no-cache --show-timings 2>&1 | grep -E 'KEPT|BROKEN|Contracts:|->|Missing' 

typecheck: venv
	$(BIN)/mypy journeymap tests

# every test runs here: markers (spark, browser, slow) only select when you ask (`-m "not spark"`),
# and JOURNEYMAP_NO_SKIP turns a missing Java or Chromium into a failure instead of a skip.
unit: venv
	JOURNEYMAP_NO_SKIP=1 $(BIN)/python -m pytest -q -n auto --dist worksteal

# the long fuzz run (tests/fuzz): FUZZ_EXAMPLES random mutants per target and command family
# (`make test` runs the same suite derandomized and small); prints how many each test tried
FUZZ_EXAMPLES ?= 2000
fuzz: venv
	JOURNEYMAP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -n auto -m slow tests/fuzz \
	  -p no:randomly --hypothesis-show-statistics

# regenerate every golden file (tests/**/gen_golden.py); review the diff before committing
golden: venv
	@for g in $$(find tests -name gen_golden.py | sort); do echo "$(BIN)/python $$g"; $(BIN)/python "$$g" || exit 1; done

# regenerate the generated docs: the CLI reference, the checks reference, the JSON schemas
docs: venv
	$(BIN)/python docs/gen_cli.py
	$(BIN)/python docs/gen_checks.py
	$(BIN)/journeymap schema -o docs/schema/journeymap.schema.json
	$(BIN)/journeymap schema --overlay -o docs/schema/overlay.schema.json

format: venv
	$(BIN)/ruff format journeymap tests benchmarks docs

format-check: venv
	$(BIN)/ruff format --check journeymap tests benchmarks docs

benchmark: system venv
	$(BIN)/python benchmarks/run.py

gallery: system venv
	$(BIN)/python docs/gen_gallery.py

clean:
	rm -rf $(VENV) $(OUT)
