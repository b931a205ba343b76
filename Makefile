# BranchSim. `make run` builds and runs the bundled potential-tier playbook;
# `make test` runs every test (unit, end-to-end, playbooks, shell in tmux, HTML).
SWIFT ?= swift
SCENARIO ?= scenarios/potential-upgrade.bsim
RELEASE_BIN = .build/release/branchsim

.PHONY: deps test-deps build release run test unit-test e2e-test playbooks html-check bench fmt-check clean

deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-deps.sh --test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product branchsim

run: release
	$(RELEASE_BIN) run $(SCENARIO)

unit-test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# End-to-end tests run the release binary (numeric loops are 10-50x slower in debug).
e2e-test: release
	BRANCHSIM_BIN=$(CURDIR)/$(RELEASE_BIN) scripts/e2e.sh

html-check: release
	scripts/html-check.sh $(RELEASE_BIN)

playbooks: release
	$(RELEASE_BIN) test scenarios $(wildcard ../shared/scenarios) --junit .build/playbooks-junit.xml

test: unit-test e2e-test html-check playbooks

bench: deps
	$(SWIFT) build -c release --product branchsim
	$(RELEASE_BIN) bench

clean:
	rm -rf .build
