# The examples (examples/README.md): one program per seed pattern, built against the SDKs as
# committed in generated/ into $(BUILD)/examples/<name>. EXAMPLES is the order make demo and
# tests/examples run them in; bloomy_* use the Bloomy SDK, the others Torale's.
# EXAMPLES_EXPECTED says what each must print ("NAME TEXT" lines; examples/README.md).
EXAMPLES := quickstart gather fetch_many errors batch_pause limited_concurrency retries timeouts \
            fail_fast streaming as_completed producer_consumer pagination shutdown sync_script \
            bloomy_meeting
EXAMPLES_EXPECTED := examples/expected.txt
EXAMPLE_BINS := $(EXAMPLES:%=$(BUILD)/examples/%)
ALL_TARGETS += $(EXAMPLE_BINS)
ALL_OBJS    += $(EXAMPLE_BINS:%=%.o) $(BUILD)/examples/example.o

example_sdk = $(if $(filter bloomy_%,$(1)),bloomy,torale)

$(BUILD)/examples/%.o: EXTRA_CFLAGS = -Igenerated/torale/include -Igenerated/bloomy/include

$(BUILD)/examples/%: $(BUILD)/examples/%.o $(BUILD)/examples/example.o \
    $$(foreach f,models errors client,$(BUILD)/generated/$$(call example_sdk,$$*)/src/$$(f).o) $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
