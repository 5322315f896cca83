# Entry points; the work is in scripts/ (bash, rerunnable, installs what is missing).
.PHONY: build test demo icons bench bench-extension bench-cli package

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

# `why402 diagnose` against jq and a serde_json parse on a generated ~400 MB HAR (prints a table).
bench-cli:
	scripts/bench-cli.sh

# Every benchmark: the extension's and the CLI's.
bench: bench-extension bench-cli

# The zips a user uploads to AMO or the Chrome Web Store, or loads from about:debugging:
# dist/why402-<browser>-<version>.zip, the version being the crate's (scripts/manifests.mjs).
# The TypeScript declarations wasm-bindgen writes next to the glue are not shipped.
package:
	@[ -f extension/pkg/why402_bg.wasm ] && [ -d node_modules/web-ext ] || scripts/build.sh
	node scripts/manifests.mjs
	npx --no-install web-ext build --source-dir extension --artifacts-dir dist --overwrite-dest \
	  --filename 'why402-chromium-{version}.zip' --ignore-files manifest.template.json 'pkg/*.d.ts'
	npx --no-install web-ext build --source-dir dist/firefox --artifacts-dir dist --overwrite-dest \
	  --filename 'why402-firefox-{version}.zip' --ignore-files 'pkg/*.d.ts'

# Fuzzing (cargo-fuzz, nightly; installs what is missing): `make fuzz`, `make fuzz 60` or
# `make fuzz SECS=60` for the seconds per target.
ifeq (fuzz,$(firstword $(MAKECMDGOALS)))
FUZZ_ARGS := $(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS))
$(eval $(FUZZ_ARGS):;@:)
endif
.PHONY: fuzz
fuzz:
	scripts/fuzz.sh $(or $(SECS),$(FUZZ_ARGS),60)
