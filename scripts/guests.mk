# Builds the C and WAT guest programs into $(OUT), incrementally. Run by scripts/build-guests
# from the repo root (make -f scripts/guests.mk); the Rust guests are built by cargo there.
#
#   c-tests/NAME.c    -> $(OUT)/c-tests/NAME.wasm    clang --target=wasm32-wasi --sysroot=/usr -O2
#   c-tests/NAME.wat  -> $(OUT)/c-tests/NAME.wasm    wat2wasm
#   examples/NAME.c   -> $(OUT)/examples/NAME.wasm   clang, as for c-tests
#   c-tests/NAME.json -> $(OUT)/c-tests/NAME.json    copied: the test's expectations, which
#                                                    `capwasi test` reads beside NAME.wasm
#
# Each output is rebuilt when its source, a header it includes, or the compile command changes.

OUT ?= build/guests
CC_WASM ?= clang
WASI_TARGET ?= wasm32-wasi
WASI_SYSROOT ?= /usr
CFLAGS_WASM ?= -O2 -Wall -Wextra
WAT2WASM ?= wat2wasm

CC_CMD := $(CC_WASM) --target=$(WASI_TARGET) --sysroot=$(WASI_SYSROOT) $(CFLAGS_WASM)

C_TESTS := $(wildcard c-tests/*.c)
WAT_TESTS := $(wildcard c-tests/*.wat)
C_EXAMPLES := $(wildcard examples/*.c)
SERVE_TESTS := $(wildcard serve-tests/*.c)
TEST_SPECS := $(wildcard c-tests/*.json)

C_TEST_OUTS := $(patsubst c-tests/%.c,$(OUT)/c-tests/%.wasm,$(C_TESTS))
WAT_TEST_OUTS := $(patsubst c-tests/%.wat,$(OUT)/c-tests/%.wasm,$(WAT_TESTS))
C_EXAMPLE_OUTS := $(patsubst examples/%.c,$(OUT)/examples/%.wasm,$(C_EXAMPLES))
SERVE_TEST_OUTS := $(patsubst serve-tests/%.c,$(OUT)/serve-tests/%.wasm,$(SERVE_TESTS))
TEST_SPEC_OUTS := $(patsubst c-tests/%.json,$(OUT)/c-tests/%.json,$(TEST_SPECS))

CLASHES := $(filter $(C_TEST_OUTS),$(WAT_TEST_OUTS))
ifneq ($(CLASHES),)
$(error c-tests has both a .c and a .wat source for: $(notdir $(CLASHES)))
endif

# The compile command, recorded so that changing CC_WASM or CFLAGS_WASM rebuilds the C guests.
# The file is rewritten only when the command differs, so its mtime marks the last change.
CC_STAMP := $(OUT)/.cc-command
$(shell mkdir -p $(OUT)/c-tests $(OUT)/examples $(OUT)/serve-tests && \
        (printf '%s\n' '$(CC_CMD)' | cmp -s - $(CC_STAMP) || printf '%s\n' '$(CC_CMD)' > $(CC_STAMP)))

.PHONY: all
all: $(C_TEST_OUTS) $(WAT_TEST_OUTS) $(C_EXAMPLE_OUTS) $(SERVE_TEST_OUTS) $(TEST_SPEC_OUTS)

# A failed command must not leave a half-written output that looks up to date.
.DELETE_ON_ERROR:

$(OUT)/c-tests/%.wasm: c-tests/%.c $(CC_STAMP)
	$(CC_CMD) -MMD -MP -MF $(@:.wasm=.d) $< -o $@

$(OUT)/examples/%.wasm: examples/%.c $(CC_STAMP)
	$(CC_CMD) -MMD -MP -MF $(@:.wasm=.d) $< -o $@

# CGI guests for capwasi serve (tests/serve.rs, bench/serve); not run by `capwasi test`.
$(OUT)/serve-tests/%.wasm: serve-tests/%.c $(CC_STAMP)
	$(CC_CMD) -MMD -MP -MF $(@:.wasm=.d) $< -o $@

$(OUT)/c-tests/%.wasm: c-tests/%.wat
	$(WAT2WASM) $< -o $@

$(OUT)/c-tests/%.json: c-tests/%.json
	cp $< $@

-include $(C_TEST_OUTS:.wasm=.d) $(C_EXAMPLE_OUTS:.wasm=.d) $(SERVE_TEST_OUTS:.wasm=.d)
