# Entry points; the work is in scripts/ (bash, rerunnable, installs what is missing).
.PHONY: build test demo icons bench bench-extension

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

# What the extension costs, in headless Chromium (paired runs, medians and ratios; see README).
# ROUNDS=N for more rounds.
bench-extension:
	@[ -f extension/pkg/why402_bg.wasm ] && [ -f extension/manifest.json ] || scripts/build.sh
	node scripts/bench-extension.mjs $(ROUNDS)

# Every benchmark there is: the extension's, and the CLI's when scripts/bench-cli.sh exists.
bench: bench-extension
	@if [ -x scripts/bench-cli.sh ]; then $(MAKE) bench-cli; fi
