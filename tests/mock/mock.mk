# libapic-mock suites: the engine in-process on the Torale and Bloomy specs (dumped by apic at
# build time), driven with plain libcurl; the CLI driven as a child process; slowloris, the
# attacker test_mock_guard runs (and bench/mock.sh).
MOCK_TESTS := crud faults cli params fuzz guard admin faithful
TEST_BINS += $(MOCK_TESTS:%=$(BUILD)/tests/mock/test_mock_%)
ALL_OBJS  += $(MOCK_TESTS:%=$(BUILD)/tests/mock/test_mock_%.o) $(BUILD)/tests/mock/mock_http.o \
  $(BUILD)/tests/mock/mock_proc.o

$(BUILD)/tests/mock/%.o: EXTRA_CFLAGS = -Imock/include -DMOCK_SPEC_DIR='"$(BUILD)/tests/mock"' \
  -DMOCK_DEV='"$(BUILD)/apic-mock-dev"' -DSLOWLORIS='"$(BUILD)/tests/mock/slowloris"'
ALL_TARGETS += $(BUILD)/tests/mock/slowloris
ALL_OBJS += $(BUILD)/tests/mock/slowloris.o
$(BUILD)/tests/mock/slowloris: $(BUILD)/tests/mock/slowloris.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^

$(BUILD)/tests/mock/%.json: spec/%.api $(wildcard spec/common/*.api) $(BUILD)/apic
	@mkdir -p $(@D)
	$(BUILD)/apic dump $< > $@

# Specs of their own: every kind of query and header parameter (params), a pet store (shop).
$(BUILD)/tests/mock/params.json $(BUILD)/tests/mock/shop.json: $(BUILD)/tests/mock/%.json: tests/mock/%.api $(BUILD)/apic
	@mkdir -p $(@D)
	$(BUILD)/apic dump $< > $@

$(BUILD)/tests/mock/test_mock_%: $(BUILD)/tests/mock/test_mock_%.o $(BUILD)/tests/mock/mock_http.o \
    $(BUILD)/tests/mock/mock_proc.o $(MOCK_LIBS) \
    | $(BUILD)/tests/mock/torale.json $(BUILD)/tests/mock/bloomy.json $(BUILD)/tests/mock/params.json \
      $(BUILD)/tests/mock/shop.json $(BUILD)/tests/mock/petstore.json \
      $(BUILD)/apic-mock-dev $(BUILD)/tests/mock/slowloris
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(MOCK_LDLIBS) $(TEST_LIBS)

# The generated SDK's own build of its mock (make mock, CMake), bundled and against an install,
# in a temporary directory (sdk_util from the install suites).
TEST_BINS += $(BUILD)/tests/mock/test_mock_sdk
ALL_OBJS  += $(BUILD)/tests/mock/test_mock_sdk.o
$(BUILD)/tests/mock/test_mock_sdk.o: EXTRA_CFLAGS = -Itests/install -DAPIC_BUILD='"$(BUILD)"' -DTEST_LDFLAGS='"$(LDSAN)"'
$(BUILD)/tests/mock/test_mock_sdk: $(BUILD)/tests/mock/test_mock_sdk.o $(BUILD)/tests/mock/mock_proc.o \
    $(BUILD)/tests/install/sdk_util.o | $(BUILD)/apic $(BUILD)/libapic.so $(BUILD)/libapic.a $(BUILD)/libapic-mock.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(TEST_LIBS) $(PKG_LIBS)

# libFuzzer target (make fuzz): routing and body validation on the Torale spec, no HTTP.
FUZZ_TARGETS += build/fuzz/fuzz_mock
MOCK_FUZZ_SRCS = tests/mock/fuzz_mock.c $(wildcard mock/src/*.c) $(wildcard runtime/src/*.c)
build/fuzz/fuzz_mock: $(MOCK_FUZZ_SRCS) build/fuzz/torale.json
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Imock/include -Iruntime/src -DMOCK_FUZZ_SPEC='"build/fuzz/torale.json"' -o $@ \
	  $(MOCK_FUZZ_SRCS) $(PKG_LIBS) $(shell pkg-config --libs libmicrohttpd) -lpthread
build/fuzz/torale.json: spec/torale.api $(wildcard spec/common/*.api) $(BUILD)/apic
	@mkdir -p $(@D)
	$(BUILD)/apic dump $< > $@

# make test: a few seconds of it seeded with tests/mock/fuzz/, when clang is there, from a copy
# in $(BUILD)/fuzz (parallel builds in other BUILD directories do not collide).
MOCK_FUZZ = $(BUILD)/fuzz/fuzz_mock_short
MOCK_FUZZ_SECONDS ?= 4
$(MOCK_FUZZ): $(MOCK_FUZZ_SRCS) | $(BUILD)/tests/mock/torale.json
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Imock/include -Iruntime/src -DMOCK_FUZZ_SPEC='"$(BUILD)/tests/mock/torale.json"' -o $@ \
	  $(MOCK_FUZZ_SRCS) $(PKG_LIBS) $(shell pkg-config --libs libmicrohttpd) -lpthread
test: mock-fuzz-short
mock-fuzz-short: $(if $(shell command -v clang),$(MOCK_FUZZ))
	@if [ -z "$^" ]; then echo "== mock fuzz: clang not found; skipping the short fuzz run"; exit 0; fi; \
	 echo "== mock fuzz: $(MOCK_FUZZ_SECONDS) s of $(MOCK_FUZZ)"; \
	 rm -rf $(BUILD)/fuzz/mock-corpus && mkdir -p $(BUILD)/fuzz/mock-corpus && \
	 cp tests/mock/fuzz/* $(BUILD)/fuzz/mock-corpus/ && \
	 $(MOCK_FUZZ) -max_total_time=$(MOCK_FUZZ_SECONDS) -seed=1 -max_len=4096 \
	   -artifact_prefix=$(BUILD)/fuzz/mock- $(BUILD)/fuzz/mock-corpus 2>$(BUILD)/fuzz/mock-short.log \
	 || { tail -40 $(BUILD)/fuzz/mock-short.log; echo "FAILED: mock fuzz (input saved in $(BUILD)/fuzz/)"; exit 1; }
.PHONY: mock-fuzz-short
