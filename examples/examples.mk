# The examples (examples/README.md): one program per seed pattern, built against the SDKs as
# committed in generated/ into $(BUILD)/examples/<name>. EXAMPLES is the order make demo and
# tests/examples run them in; bloomy_* use the Bloomy SDK, inference_* inference.sh's,
# petstore_* the Swagger petstore's, the others Torale's. EXAMPLES_EXPECTED says what each must print ("NAME TEXT" lines;
# examples/README.md).
EXAMPLES := quickstart gather fetch_many errors batch_pause limited_concurrency retries timeouts \
            fail_fast streaming as_completed producer_consumer pagination shutdown sync_script \
            bloomy_meeting bloomy_bulk bloomy_pipeline bloomy_errors bloomy_close bloomy_sync_async \
            bloomy_taskgroup inference_run inference_stream inference_agent inference_parallel \
            inference_concurrency inference_queue inference_timeout inference_retry inference_progress \
            inference_session inference_errors inference_bounded inference_executor inference_web \
            inference_testing petstore_upload petstore_login petstore_inventory
EXAMPLES_EXPECTED := examples/expected.txt
EXAMPLE_BINS := $(EXAMPLES:%=$(BUILD)/examples/%)
ALL_TARGETS += $(EXAMPLE_BINS)
ALL_OBJS    += $(EXAMPLE_BINS:%=%.o) $(BUILD)/examples/example.o

example_sdk = $(if $(filter bloomy_%,$(1)),bloomy,$(if $(filter inference_%,$(1)),inference,$(if \
  $(filter petstore_%,$(1)),petstore,torale)))

$(BUILD)/examples/%.o: EXTRA_CFLAGS = -Igenerated/torale/include -Igenerated/bloomy/include \
  -Igenerated/inference/include -Igenerated/inference/mock -Igenerated/petstore/include -Imock/include

# The web service answers over libmicrohttpd; the testing example runs the generated mock
# in-process under cmocka.
EXAMPLE_LIBS = $(PKG_LIBS)
$(BUILD)/examples/inference_web: EXAMPLE_LIBS = $(PKG_LIBS) $(shell pkg-config --libs libmicrohttpd) -lpthread
$(BUILD)/examples/inference_testing: EXAMPLE_LIBS = $(MOCK_LDLIBS) $(TEST_LIBS)
$(BUILD)/examples/inference_testing: $(BUILD)/generated/inference/mock/inference_mock.o $(BUILD)/libapic-mock.a

$(BUILD)/examples/%: $(BUILD)/examples/%.o $(BUILD)/examples/example.o \
    $$(foreach f,models errors client,$(BUILD)/generated/$$(call example_sdk,$$*)/src/$$(f).o) $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %/libapic-mock.a,$^) $(BUILD)/libapic.a $(EXAMPLE_LIBS)
