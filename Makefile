# Entry points; the work is in scripts/ (bash, rerunnable, installs what is missing).
.PHONY: build test demo icons bench bench-cli

build:
	scripts/build.sh

test:
	scripts/test.sh

# Serves the playground (www/) and the scenario gallery on 127.0.0.1.
demo:
	@[ -f extension/pkg/why402_bg.wasm ] && [ -f extension/manifest.json ] || scripts/build.sh
	node tests/e2e/server.mjs --demo

icons:
	python3 scripts/make-icons.py

# `why402 diagnose` against jq and a serde_json parse on a generated ~400 MB HAR (prints a table).
bench-cli:
	scripts/bench-cli.sh

bench: bench-cli
