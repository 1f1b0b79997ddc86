# The apic command: every generator/*.c, the flex scanner and bison parser, and the
# templates/ tree embedded as C data (generator/embed.mk).

GEN_SRCS  := $(wildcard generator/*.c)
GEN_OBJS  := $(GEN_SRCS:%.c=$(BUILD)/%.o)
GEN_PARSE := $(if $(wildcard generator/parser.y),$(BUILD)/generator/parser.o) \
             $(if $(wildcard generator/lexer.l),$(BUILD)/generator/lexer.o)
# Everything but main.o, for test binaries that link the front end or the renderer.
GEN_LIB_OBJS = $(filter-out $(BUILD)/generator/main.o,$(GEN_OBJS)) $(GEN_PARSE) $(GEN_EXTRA_OBJS)

ALL_TARGETS += $(BUILD)/apic
ALL_OBJS    += $(GEN_OBJS) $(GEN_PARSE)

$(BUILD)/apic: $(GEN_OBJS) $(GEN_PARSE) $(GEN_EXTRA_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(shell pkg-config --libs libcjson libfyaml) -lpthread

# Bison and flex outputs live in the build tree; generated C is exempt from -Wpedantic quirks
# only where flex/bison force it (see EXTRA_CFLAGS below).
# Grouped targets (&:): one bison run makes both files, even under make -j.
$(BUILD)/generator/parser.c $(BUILD)/generator/parser.h &: generator/parser.y
	@mkdir -p $(@D)
	bison -Wall -Werror --defines=$(BUILD)/generator/parser.h -o $(BUILD)/generator/parser.c $<

$(BUILD)/generator/lexer.c $(BUILD)/generator/lexer.h &: generator/lexer.l
	@mkdir -p $(@D)
	flex --header-file=$(BUILD)/generator/lexer.h -o $(BUILD)/generator/lexer.c $<

$(BUILD)/generator/parser.o: $(BUILD)/generator/parser.c $(BUILD)/generator/lexer.h
	$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/generator/lexer.o: $(BUILD)/generator/lexer.c $(BUILD)/generator/parser.h
	$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -Wno-unused-function -Wno-sign-compare -MMD -MP -c $< -o $@

# Sources that include the scanner or parser headers need them generated first.
$(GEN_OBJS): | $(if $(wildcard generator/parser.y),$(BUILD)/generator/parser.h) \
               $(if $(wildcard generator/lexer.l),$(BUILD)/generator/lexer.h)
