# Front door. `make` builds, `make demo` runs an audit of the built-in lab,
# `make test` runs every suite, `make bench` the benchmarks, `make fuzz-long`
# runs the libFuzzer targets for 10^7 executions in total (not in CI). Each target
# first installs what it needs (scripts/deps, idempotent).
BUILD ?= build
TESTBUILD ?= build-test
MESON ?= meson

.PHONY: all deps demo test bench fuzz fuzz-long clean

all: $(BUILD)/dormant

deps:
	@scripts/deps build

$(BUILD)/build.ninja:
	@scripts/deps build
	$(MESON) setup $(BUILD) --buildtype=release -Dwerror=true

$(BUILD)/dormant: $(BUILD)/build.ninja FORCE
	ninja -C $(BUILD)

$(TESTBUILD)/build.ninja:
	@scripts/deps test
	$(MESON) setup $(TESTBUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true

demo: $(BUILD)/dormant
	@scripts/deps demo
	tests/lab/demo.sh $(BUILD)/dormant

test: $(TESTBUILD)/build.ninja FORCE
	@scripts/deps test
	ninja -C $(TESTBUILD)
	tests/run-all.sh $(TESTBUILD)

bench: $(BUILD)/dormant
	@scripts/deps bench
	bench/scan-bench.sh $(BUILD)/dormant
	bench/services-bench.sh $(BUILD)/dormant
	bench/vulndb-bench.sh $(BUILD)/dormant
	bench/flows-bench.sh $(BUILD)/dormant
	bench/audit-bench.sh $(BUILD)/dormant
	bench/secrets-bench.sh $(BUILD)/dormant
	bench/creds-bench.sh $(BUILD)/dormant
	bench/watch-bench.sh $(BUILD)/dormant

fuzz-long:
	@scripts/deps test
	nice -n 10 tests/fuzz/run-fuzz-long.sh

clean:
	rm -rf $(BUILD) $(TESTBUILD) build-fuzz

FORCE:
