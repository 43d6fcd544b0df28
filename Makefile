# Thin wrapper over CMake.  `make` builds, `make test` runs every test in
# an ASan+UBSan build, `make sample` opens the bundled sample case.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= 2
SAMPLE_STORE ?= reqnav-sample.db

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: all build test asan sample format format-check bench fuzz warnings clean

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRN_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)

# Every test, under AddressSanitizer and UBSan, then the formatting check.
test: asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS)
	$(MAKE) --no-print-directory format-check

# Import the bundled sample case (idempotent) and open it on its 502.2
# request.  Builds only the program, its output kept in a log unless the
# build fails.
SAMPLE_KEY = {00000000-0000-0000-4c06-0060000000ef}
sample:
	@echo "building reqnav (log: $(BUILD)/sample-build.log)"
	@mkdir -p $(BUILD)
	@{ cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo && \
	  cmake --build $(BUILD) -j$(JOBS) --target reqnav -- \
	    --no-print-directory; } >$(BUILD)/sample-build.log 2>&1 || \
	  { cat $(BUILD)/sample-build.log; exit 1; }
	@./$(BUILD)/tui/reqnav --store $(SAMPLE_STORE) \
	  --filter status:502.2 --open '$(SAMPLE_KEY)' share/samples

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror && \
	echo "format-check: 1 passed, 0 failed"

bench: build
	sh tests/bench/run

# -Werror at the optimisation levels users build with: the shipped flags
# (RelWithDebInfo, Release, MinSizeRel) and -O2 -fno-inline, whose
# different inlining finds other maybe-uninitialised paths.  One build
# folder each under $(WARN_BUILD); CI runs this.
WARN_BUILD ?= build-warn
warnings:
	@set -e; for cfg in RelWithDebInfo Release MinSizeRel O2-no-inline; do \
	    case $$cfg in \
	    O2-no-inline) type=Release; flags="-O2 -fno-inline";; \
	    *) type=$$cfg; flags="";; \
	    esac; \
	    echo "warnings: $$cfg"; \
	    cmake -S . -B $(WARN_BUILD)/$$cfg -DCMAKE_BUILD_TYPE=$$type \
	        -DCMAKE_C_FLAGS="$$flags" -DRN_WERROR=ON >/dev/null; \
	    cmake --build $(WARN_BUILD)/$$cfg -j$(JOBS) >/dev/null || \
	        { cmake --build $(WARN_BUILD)/$$cfg -j1 2>&1 | grep -E "error|warning" >&2; exit 1; }; \
	done; echo "warnings: 4 builds passed, 0 failed"

# libFuzzer targets (clang, ASan+UBSan), each run FUZZ_SECONDS in turn:
# `make fuzz FUZZ_SECONDS=60 [FUZZ_TARGETS="etw cap"]`.
fuzz:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DRN_FUZZ=ON -DRN_SANITIZE=ON \
	    -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(WARN_BUILD)
