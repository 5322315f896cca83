# Entry points; the work is in scripts/ (bash, rerunnable, installs what is missing).
.PHONY: build test demo icons

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

# Fuzzing (cargo-fuzz, nightly; installs what is missing): `make fuzz`, `make fuzz 60` or
# `make fuzz SECS=60` for the seconds per target.
ifeq (fuzz,$(firstword $(MAKECMDGOALS)))
FUZZ_ARGS := $(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS))
$(eval $(FUZZ_ARGS):;@:)
endif
.PHONY: fuzz
fuzz:
	scripts/fuzz.sh $(or $(SECS),$(FUZZ_ARGS),60)
