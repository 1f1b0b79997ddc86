# The generated models of every spec: compiled as committed in generated/ (gcc or $(CC), and
# clang too when it is there, at -Werror), and exercised end to end.
GEN_SDKS      := $(notdir $(wildcard generated/*))
GEN_MODEL_OBJS := $(GEN_SDKS:%=$(BUILD)/generated/%/src/models.o)
TEST_BINS     += $(BUILD)/tests/models/test_torale_models
ALL_OBJS      += $(GEN_MODEL_OBJS) $(BUILD)/tests/models/test_torale_models.o

$(BUILD)/generated/%.o: EXTRA_CFLAGS = $(foreach s,$(GEN_SDKS),-Igenerated/$(s)/include)
$(BUILD)/tests/models/%.o: EXTRA_CFLAGS = $(foreach s,$(GEN_SDKS),-Igenerated/$(s)/include)

# The same sources through clang, compiled only: the point is its warnings.
HAVE_CLANG := $(shell command -v clang 2>/dev/null)
GEN_CLANG_OBJS := $(if $(HAVE_CLANG),$(GEN_SDKS:%=$(BUILD)/clang-check/%/models.o))
$(BUILD)/clang-check/%/models.o: generated/%/src/models.c
	@mkdir -p $(@D)
	clang $(WARN) $(WERROR) -D_POSIX_C_SOURCE=200809L -Iruntime/include -Igenerated/$*/include $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/tests/models/test_torale_models: $(BUILD)/tests/models/test_torale_models.o $(GEN_MODEL_OBJS) $(BUILD)/libapic.a | $(GEN_CLANG_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS) $(TEST_LIBS)
