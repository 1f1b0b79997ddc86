# Benchmarks (not part of `make` or `make test`): make bench builds them; the scripts run them.
BENCH_BINS := $(BUILD)/bench/decode_bench
bench: $(BENCH_BINS)

$(BUILD)/bench/%.o: EXTRA_CFLAGS = -Igenerated/torale/include
$(BUILD)/bench/decode_bench: $(BUILD)/bench/decode_bench.o $(BUILD)/generated/torale/src/models.o $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
.PHONY: bench
