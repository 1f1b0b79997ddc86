# The renderer benchmark (make bench; run by hand, see docs/performance.md, "Renderer and generation").
BENCH_BINS += $(BUILD)/bench/render_bench

$(BUILD)/bench/render_bench: $(BUILD)/bench/render_bench.o $(BUILD)/generator/mustache.o \
                             $(BUILD)/generator/strbuf.o $(BUILD)/generator/view.o $(BUILD)/generator/bigmem.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
