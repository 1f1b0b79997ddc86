# One program per seed pattern (examples/README.md), built against the SDKs as committed in
# generated/ and run by make demo (in this order) and by tests/examples.
EXAMPLES := quickstart gather fetch_many errors batch_pause limited_concurrency retries timeouts \
            fail_fast streaming as_completed producer_consumer pagination shutdown sync_script \
            bloomy_meeting
EXAMPLE_BINS := $(EXAMPLES:%=$(BUILD)/examples/%)
ALL_TARGETS += $(EXAMPLE_BINS)
ALL_OBJS    += $(EXAMPLE_BINS:%=%.o) $(BUILD)/examples/example.o

$(BUILD)/examples/%.o: EXTRA_CFLAGS = -Igenerated/torale/include -Igenerated/bloomy/include

$(BUILD)/examples/%: $(BUILD)/examples/%.o $(BUILD)/examples/example.o \
    $(foreach a,torale bloomy,$(foreach f,models errors client,$(BUILD)/generated/$(a)/src/$(f).o)) $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
