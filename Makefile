# The README's two commands: `make up` (set up, then run hoso on the embedded Temporal server)
# and `make test` (set up, then lint and run the whole test suite). Only Python 3.11+ is needed:
# uv itself is installed into .tools/ on first use.
PYTHON ?= python3
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: install up test lint format demo bench clean browser oidc-provider

# A venv for uv; where the Python has no venv module (Debian without python3-venv), pip --target.
$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "hoso needs Python 3.11 or newer ($(PYTHON) is older): set PYTHON=python3.x"; exit 1; }
	( $(PYTHON) -m venv .tools && \
		.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5,<1" ) || \
	( rm -rf .tools && $(PYTHON) -m pip install --quiet --disable-pip-version-check \
		--target .tools/pkgs "uv>=0.5,<1" && mkdir -p .tools/bin && \
		ln -sf ../pkgs/bin/uv .tools/bin/uv )

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

install: .venv/.synced

up: install
	$(UV) run hoso up

demo: install
	$(UV) run hoso demo

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy models workflows activities support operations api cli migrations config.py logs.py worker.py starter.py

format: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

test: install lint browser oidc-provider
	$(UV) run pytest --durations=15

# The browser tests drive Debian's Chromium (Playwright's own builds are not downloaded).
browser:
	@sh tests/web/ensure_chromium.sh

# The single sign-on tests run panva's oidc-provider on loopback (Node.js, from the lock file).
oidc-provider:
	@sh tests/web/ensure_oidc_provider.sh

clean:
	rm -rf .venv .tools data
