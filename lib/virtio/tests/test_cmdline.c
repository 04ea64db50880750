/* The virtio_mmio.device= command-line parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core.h"
#include "virtio_mmio.h"

static void test_valid(void **state)
{
	const char *p = "console=ttyS0 virtio_mmio.device=512@0xd0000000:5 "
	    "virtio_mmio.device=4K@0xd0001000:6:3  quiet\t"
	    "virtio-mmio.device=0x200@0xFEB00000:12 "
	    "virtio_mmio.device=1M@010:7 virtio_mmio.device=2g@4096:0:0";
	struct virtio_mmio_cmdline_dev d;

	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 1);
	assert_int_equal(d.size, 512);
	assert_int_equal(d.base, 0xd0000000);
	assert_int_equal(d.irq, 5);
	assert_false(d.has_id);
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 1);
	assert_int_equal(d.size, 4096);
	assert_int_equal(d.base, 0xd0001000);
	assert_int_equal(d.irq, 6);
	assert_true(d.has_id);
	assert_int_equal(d.id, 3);
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 1);
	assert_int_equal(d.size, 0x200);
	assert_int_equal(d.base, 0xfeb00000);
	assert_int_equal(d.irq, 12);
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 1);
	assert_int_equal(d.size, 1 << 20);
	assert_int_equal(d.base, 8);		/* octal, as Linux's %lli */
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 1);
	assert_int_equal(d.size, 2ull << 30);
	assert_int_equal(d.base, 4096);
	assert_int_equal(d.irq, 0);
	assert_true(d.has_id);
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 0);
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 0);
}

static int parse_one(const char *value)
{
	char line[512];
	const char *p = line;
	struct virtio_mmio_cmdline_dev d;
	int r;

	snprintf(line, sizeof(line), "a=b virtio_mmio.device=%s "
	    "virtio_mmio.device=1K@0x1000:1", value);
	r = virtio_mmio_cmdline_next(&p, &d);
	/* The bad word is skipped: the next option still parses. */
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 1);
	assert_int_equal(d.base, 0x1000);
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 0);
	return r;
}

static void test_malformed(void **state)
{
	static const char *bad[] = {
		"",				/* empty */
		"@0x1000:5",			/* no size */
		"5120x1000:5",			/* missing @ */
		"512:0x1000:5",
		"512@0xZZ:5",			/* bad hex */
		"512@0x:5",
		"512@:5",
		"512@0x1000",			/* no irq */
		"512@0x1000:",
		"512@0x1000:5x",		/* trailing garbage */
		"512@0x1000:5:",		/* empty id */
		"512@0x1000:5:1:2",
		"512@0x1000:-1",
		"512@0x1000:4294967296",	/* irq overflow */
		"512@0x1000:5:99999999999",	/* id overflow */
		"99999999999999999999@0x1000:5",/* size overflow */
		"0x10000000000000000@0x1000:5",
		"16E@0x1000:5",			/* 16 << 60 overflows */
		"0x100000000000T@0x1000:5",
		"0@0x1000:5",			/* zero size */
		"512@0xffffffffffffff00:5",	/* base + size wraps */
		"512@0x10000000000000000:5",	/* base overflow */
		"08@0x1000:5",			/* not octal */
		"4KK@0x1000:5",
		"garbage",
		"512@0x1000:5\x01",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_one(bad[i]), -EINVAL);
	}
	/* The largest values that fit are fine. */
	assert_int_equal(parse_one("1@0xfffffffffffffffe:4294967295"), 1);
	assert_int_equal(parse_one("15E@0:5"), 1);
}

static void test_not_ours(void **state)
{
	const char *p = "virtio_mmio.devices=1K@0x1000:1 xvirtio_mmio.device=1K@0x1000:1 "
	    "virtio_mmio.device virtio_mmio.dev=1";
	struct virtio_mmio_cmdline_dev d;

	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 0);
	p = "";
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 0);
	p = "   ";
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 0);
	/* After "--" the words are the program's. */
	p = "quiet -- virtio_mmio.device=1K@0x1000:1";
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 0);
	p = "--x virtio_mmio.device=1K@0x1000:1";
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 1);
}

static void test_long_numbers(void **state)
{
	static char line[5000];
	const char *p = line;
	struct virtio_mmio_cmdline_dev d;

	strcpy(line, "virtio_mmio.device=");
	memset(line + strlen(line), '7', 4000);
	strcat(line, "@0x1000:1");
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), -EINVAL);
	assert_int_equal(virtio_mmio_cmdline_next(&p, &d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_long_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
