# The generated models of every spec: compiled as committed in generated/ (gcc or $(CC), and
# clang too when it is there, at -Werror with -Wcast-qual and -Wwrite-strings), and exercised.
GEN_SDKS      := $(notdir $(wildcard generated/*))
GEN_SDK_SRCS   := models errors client
GEN_MODEL_OBJS := $(foreach s,$(GEN_SDKS),$(GEN_SDK_SRCS:%=$(BUILD)/generated/$(s)/src/%.o))
MODEL_TESTS    := sdk_models errors
TEST_BINS     += $(MODEL_TESTS:%=$(BUILD)/tests/models/test_%)
ALL_OBJS      += $(GEN_MODEL_OBJS) $(MODEL_TESTS:%=$(BUILD)/tests/models/test_%.o)

$(BUILD)/generated/%.o: EXTRA_CFLAGS = $(foreach s,$(GEN_SDKS),-Igenerated/$(s)/include) -Wcast-qual
$(BUILD)/tests/models/%.o: EXTRA_CFLAGS = $(foreach s,$(GEN_SDKS),-Igenerated/$(s)/include)

# The same sources through clang, compiled only: the point is its warnings.
HAVE_CLANG := $(shell command -v clang 2>/dev/null)
GEN_CLANG_OBJS := $(if $(HAVE_CLANG),$(foreach s,$(GEN_SDKS),$(GEN_SDK_SRCS:%=$(BUILD)/clang-check/$(s)/%.o)))
$(BUILD)/clang-check/%.o: generated/$$(firstword $$(subst /, ,$$*))/src/$$(notdir $$*).c
	@mkdir -p $(@D)
	clang $(WARN) $(WERROR) -Wcast-qual -D_POSIX_C_SOURCE=200809L -Iruntime/include -Igenerated/$(firstword $(subst /, ,$*))/include $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/tests/models/test_%: $(BUILD)/tests/models/test_%.o $(GEN_MODEL_OBJS) $(BUILD)/libapic.a | $(GEN_CLANG_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS) $(TEST_LIBS)

# The view model, built from the shipped specs through the front end (generator objects).
TEST_BINS += $(BUILD)/tests/models/test_viewmodel
ALL_OBJS  += $(BUILD)/tests/models/test_viewmodel.o
$(BUILD)/tests/models/test_viewmodel: $(BUILD)/tests/models/test_viewmodel.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread

# Builds a copy of generated/torale with its own Makefile and CMakeLists.txt.
TEST_BINS += $(BUILD)/tests/models/test_sdk_build
ALL_OBJS  += $(BUILD)/tests/models/test_sdk_build.o
$(BUILD)/tests/models/test_sdk_build.o: EXTRA_CFLAGS = -DLIBAPIC_A='"$(BUILD)/libapic.a"' -DDEP_LIBS='"$(PKG_LIBS) $(LDSAN)"'
$(BUILD)/tests/models/test_sdk_build: $(BUILD)/tests/models/test_sdk_build.o | $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

# libFuzzer target: bytes into Torale's page of tasks (make fuzz; make fuzz-run runs it). The
# short run in make test builds its own copy in $(BUILD)/fuzz so parallel builds do not collide.
FUZZ_TARGETS += build/fuzz/fuzz_models
MODELS_FUZZ = $(BUILD)/fuzz/fuzz_models
MODELS_FUZZ_SRCS = tests/models/fuzz_models.c $(wildcard generated/torale/src/*.c) $(wildcard runtime/src/*.c)
$(sort build/fuzz/fuzz_models $(MODELS_FUZZ)): $(MODELS_FUZZ_SRCS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Iruntime/src -Igenerated/torale/include -o $@ $(MODELS_FUZZ_SRCS) $(PKG_LIBS)

# make test: a few seconds of fuzzing seeded with a real page of tasks, when clang is there.
MODELS_FUZZ_SECONDS ?= 4
test: models-fuzz-short
models-fuzz-short: $(if $(shell command -v clang),$(MODELS_FUZZ))
	@if [ -z "$^" ]; then echo "== models fuzz: clang not found; skipping the short fuzz run"; exit 0; fi; \
	 echo "== models fuzz: $(MODELS_FUZZ_SECONDS) s of $(MODELS_FUZZ)"; \
	 rm -rf $(BUILD)/fuzz/models-corpus && mkdir -p $(BUILD)/fuzz/models-corpus && \
	 cp tests/models/data/*.json $(BUILD)/fuzz/models-corpus/ && \
	 $(MODELS_FUZZ) -max_total_time=$(MODELS_FUZZ_SECONDS) -seed=1 -max_len=16384 \
	   -artifact_prefix=$(BUILD)/fuzz/models- $(BUILD)/fuzz/models-corpus 2>$(BUILD)/fuzz/models-short.log \
	 || { tail -40 $(BUILD)/fuzz/models-short.log; echo "FAILED: models fuzz (input saved in $(BUILD)/fuzz/)"; exit 1; }
.PHONY: models-fuzz-short

# SDKs generated at build time from test specs, compiled with the warnings every generated file
# must pass (gcc, and clang when it is there), then exercised: every field kind
# (tests/models/data/kinds.api) and hostile text in every place spec text reaches
# (tests/models/data/hostile.api, also -Wcomment -Wtrigraphs).
TEST_SDKS := kinds hostile
GEN_WARN  := $(WARN) $(WERROR) -Wcast-qual -Wwrite-strings -Wcomment -Wtrigraphs
TEST_BINS += $(TEST_SDKS:%=$(BUILD)/tests/models/test_%)
ALL_OBJS  += $(TEST_SDKS:%=$(BUILD)/tests/models/test_%.o)
$(BUILD)/gen/%/stamp: tests/models/data/%.api $(BUILD)/apic
	$(BUILD)/apic generate $< -o $(BUILD)/gen/$*/sdk && touch $@
$(BUILD)/gen/%.o: $(BUILD)/gen/$$(firstword $$(subst /, ,$$*))/stamp
	@mkdir -p $(@D)
	$(CC) $(GEN_WARN) $(OPT) -Iruntime/include -I$(<D)/sdk/include $(PKG_CFLAGS) -c $(<D)/sdk/src/$(notdir $*).c -o $@
	$(if $(HAVE_CLANG),clang $(GEN_WARN) -Iruntime/include -I$(<D)/sdk/include $(PKG_CFLAGS) -fsyntax-only $(<D)/sdk/src/$(notdir $*).c)
$(TEST_SDKS:%=$(BUILD)/tests/models/test_%.o): $(BUILD)/tests/models/test_%.o: $(BUILD)/gen/%/stamp
$(TEST_SDKS:%=$(BUILD)/tests/models/test_%.o): EXTRA_CFLAGS = -I$(BUILD)/gen/$(patsubst test_%.o,%,$(notdir $@))/sdk/include
$(TEST_SDKS:%=$(BUILD)/tests/models/test_%): $(BUILD)/tests/models/test_%: $(BUILD)/tests/models/test_%.o \
    $$(foreach f,models errors client,$(BUILD)/gen/%/obj/$$(f).o) $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS) $(TEST_LIBS)
