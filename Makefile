# BranchSim. `make run` builds and runs the bundled potential-tier playbook;
# `make test` runs every test (unit, end-to-end, playbooks, shell in tmux, HTML).
SWIFT ?= swift
SCENARIO ?= scenarios/potential-upgrade.bsim
RELEASE_BIN = .build/release/branchsim
# The release binary carries the Swift runtime and Foundation inside it (only libedit and the
# C libraries stay shared): it starts in about half the time (no symbol lookups across a dozen
# Swift libraries, docs/performance.md) and runs on a machine without the Swift toolchain.
# Linking prints one warning from Foundation's own archive (its use of mktemp), not from ours.
RELEASE_FLAGS = -c release --product branchsim --static-swift-stdlib

.PHONY: deps test-deps build release run test unit-test pin playbooks html-check slurm-test slurm-up slurm-down bench bench-numpy docs tsan asan fuzz clean

deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-deps.sh --test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

run: release
	$(RELEASE_BIN) run $(SCENARIO)

# Unit tests build in debug; the end-to-end tests among them drive the release binary
# (numeric loops are 10-50x slower in debug) through BRANCHSIM_BIN.
unit-test: test-deps release
	$(SWIFT) build --build-tests
	BRANCHSIM_BIN=$(CURDIR)/$(RELEASE_BIN) $(SWIFT) test --skip-build

# Re-pins the playbooks' outputs (Tests/EndToEndTests/Pinned/) after a change that means to
# change results; review `git diff Tests/EndToEndTests/Pinned/` and say why in the commit.
pin: test-deps release
	$(SWIFT) build --build-tests
	BRANCHSIM_REPIN=1 BRANCHSIM_BIN=$(CURDIR)/$(RELEASE_BIN) $(SWIFT) test --skip-build --filter PinnedOutputTests

html-check: release
	scripts/html-check.sh $(RELEASE_BIN)

playbooks: release
	$(RELEASE_BIN) test scenarios $(wildcard ../shared/scenarios) --junit .build/playbooks-junit.xml

# A run split over a real one-node Slurm cluster (started on this machine; installs munge and
# Slurm from Debian when missing) equals the run in one process, byte for byte (docs/cluster.md).
slurm-test: release
	scripts/slurm-test.sh $(RELEASE_BIN)

slurm-up:
	scripts/slurm-up.sh

slurm-down:
	scripts/slurm-down.sh

test: unit-test html-check playbooks slurm-test

bench: release
	$(RELEASE_BIN) bench

# The 30x-numpy target measured in one run: BranchSim (1 thread) against the numpy model of
# potential-upgrade.bsim in alternating rounds, with the two models' statistics side by side.
# Needs python3 with numpy (Benchmarks/numpy/README.md).
bench-numpy: release
	python3 Benchmarks/numpy/compare.py --branchsim $(RELEASE_BIN) --rounds 10

# The diagnostics catalogue in docs/language.md, regenerated from DiagnosticID and the tests
# that trigger each ID (a test fails while it is stale).
docs:
	BRANCHSIM_WRITE_DOCS=1 $(SWIFT) test --filter DiagnosticCatalogueTests/docsCatalogueIsCurrent

# Sanitizer and fuzzing runs (docs/ci.md); not part of `make test`. Each fails on a finding.
# tsan / asan: the engine's, language's, reports' and shell's unit tests and a representative
# run of the binary (2 threads, a comparison, a piped script) built with ThreadSanitizer /
# AddressSanitizer, in .build-tsan / .build-asan.
tsan: test-deps
	scripts/sanitize.sh thread

asan: test-deps
	scripts/sanitize.sh address

# A bounded mutational fuzz of `check`, `run` and the piped shell on the shipped scenarios;
# stops by itself after FUZZ_SECONDS and fails on a crash or hang (inputs kept in .build/fuzz/).
FUZZ_SECONDS ?= 120
fuzz: release
	python3 scripts/fuzz.py $(RELEASE_BIN) --seconds $(FUZZ_SECONDS)

clean:
	rm -rf .build
