# Runtime throughput benchmarks (bench/run.sh runs them): a fixed-response server, a plain
# libcurl-multi + libuv loop, and the same work through libapic. Built by `make bench` only.
TP_BINS := $(BUILD)/bench/fixed_server $(BUILD)/bench/plain_loop $(BUILD)/bench/libapic_get $(BUILD)/bench/torale_bench
bench: $(TP_BINS) $(BUILD)/bench/count_allocs.so
ALL_OBJS += $(TP_BINS:%=%.o)

$(BUILD)/bench/fixed_server: $(BUILD)/bench/fixed_server.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(BUILD)/bench/plain_loop: $(BUILD)/bench/plain_loop.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/bench/libapic_get: $(BUILD)/bench/libapic_get.o $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The generated Torale SDK (as committed in generated/torale) over the same server.
$(BUILD)/bench/torale_bench.o: EXTRA_CFLAGS = -Igenerated/torale/include
$(BUILD)/bench/torale_bench: $(BUILD)/bench/torale_bench.o $(foreach f,models errors client,$(BUILD)/generated/torale/src/$(f).o) $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The allocation counter bench/run.sh preloads into each client.
$(BUILD)/bench/count_allocs.so: bench/count_allocs.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(WERROR) -O2 -fPIC -shared -o $@ $<
