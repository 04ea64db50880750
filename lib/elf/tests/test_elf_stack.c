/*
 * elf_build_stack(): the layout the x86-64 SysV ABI and Linux promise,
 * read back by translating user addresses into the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elf_load.h"

#define TOP	0x7ffffffff000ull

struct stack {
	uint8_t *buf;
	size_t len;
	uint64_t top;
};

static uint8_t *
at(const struct stack *s, uint64_t addr)
{
	assert_true(addr >= s->top - s->len && addr < s->top);
	return s->buf + (addr - (s->top - s->len));
}

static uint64_t
word(const struct stack *s, uint64_t addr)
{
	uint64_t v;

	memcpy(&v, at(s, addr), sizeof(v));
	return v;
}

static const char *
str(const struct stack *s, uint64_t addr)
{
	const char *p = (const char *)at(s, addr);

	/* The whole string, NUL included, must be inside the buffer. */
	at(s, addr + strlen(p));
	return p;
}

static const uint8_t rnd[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
};
static const char *const argv3[] = { "prog", "-x", "hello world", NULL };
static const char *const envp2[] = { "A=1", "PATH=/bin:/usr/bin", NULL };
static const struct elf_auxv auxv[] = {
	{ AT_PHDR, 0x400040 }, { AT_PAGESZ, 4096 }, { AT_RANDOM, 0 },
	{ AT_ENTRY, 0x401000 }, { AT_NULL, 0 },
};

static struct elf_stack_args
args(void)
{
	struct elf_stack_args a = {
		.argv = argv3, .envp = envp2, .auxv = auxv, .random16 = rnd,
		.platform = "x86_64", .execfn = "/bin/prog",
	};

	return a;
}

/* Walks the pointer block at sp; checks it against a; returns AT_NULL's end. */
static uint64_t
verify(const struct stack *s, uint64_t sp, const struct elf_stack_args *a)
{
	uint64_t p = sp, key, val, prev = 0;
	int i, argc = 0, envc = 0, saw_random = 0, saw_platform = 0, saw_fn = 0;

	assert_int_equal(sp % 16, 0);
	while (a->argv && a->argv[argc])
		argc++;
	while (a->envp && a->envp[envc])
		envc++;
	assert_int_equal(word(s, p), argc);
	for (p += 8, i = 0; i < argc; i++, p += 8) {
		assert_string_equal(str(s, word(s, p)), a->argv[i]);
		assert_true(word(s, p) > prev);	/* argv[0] lowest */
		prev = word(s, p);
	}
	assert_int_equal(word(s, p), 0);
	for (p += 8, i = 0; i < envc; i++, p += 8) {
		assert_string_equal(str(s, word(s, p)), a->envp[i]);
		assert_true(word(s, p) > prev);	/* then envp, in order */
		prev = word(s, p);
	}
	assert_int_equal(word(s, p), 0);
	for (p += 8; (key = word(s, p)) != AT_NULL; p += 16) {
		val = word(s, p + 8);
		if (key == AT_RANDOM && a->random16) {
			assert_memory_equal(at(s, val), a->random16, 16);
			at(s, val + 15);
			saw_random++;
		} else if (key == AT_PLATFORM && a->platform) {
			assert_string_equal(str(s, val), a->platform);
			saw_platform++;
		} else if (key == AT_EXECFN && a->execfn) {
			assert_string_equal(str(s, val), a->execfn);
			assert_true(val > prev);	/* above argv and envp */
			saw_fn++;
		}
	}
	assert_int_equal(word(s, p + 8), 0);
	assert_int_equal(saw_random, a->random16 != NULL);
	assert_int_equal(saw_platform, a->platform != NULL);
	assert_int_equal(saw_fn, a->execfn != NULL);
	assert_int_equal(word(s, s->top - 8), 0);	/* Linux's end marker */
	return p + 16;
}

static void
test_layout(void **state)
{
	uint8_t buf[4096];
	struct stack s = { buf, sizeof(buf), TOP };
	struct elf_stack_args a = args();
	uint64_t sp, p;
	int i;

	memset(buf, 0xee, sizeof(buf));
	sp = elf_build_stack(buf, sizeof(buf), TOP, &a);
	assert_int_not_equal(sp, 0);
	verify(&s, sp, &a);
	/* The caller's pairs come first, in order, with AT_RANDOM filled. */
	p = sp + 8 * (1 + 4 + 3);
	for (i = 0; auxv[i].key != AT_NULL; i++, p += 16) {
		assert_int_equal(word(&s, p), auxv[i].key);
		if (auxv[i].key != AT_RANDOM)
			assert_int_equal(word(&s, p + 8), auxv[i].val);
	}
	/* Then the added AT_PLATFORM and AT_EXECFN, then AT_NULL. */
	assert_int_equal(word(&s, p), AT_PLATFORM);
	assert_int_equal(word(&s, p + 16), AT_EXECFN);
	assert_int_equal(word(&s, p + 32), AT_NULL);
	/* The alignment gap up to the random bytes holds zeros, not junk. */
	for (p += 48; p < word(&s, sp + 8 * (1 + 4 + 3) + 16 * 2 + 8); p++)
		assert_int_equal(*at(&s, p), 0);
}

/* Every pair appears once even if the caller already listed it. */
static void
test_no_duplicates(void **state)
{
	static const struct elf_auxv aux[] = {
		{ AT_EXECFN, 7 }, { AT_PLATFORM, 7 }, { AT_RANDOM, 7 },
		{ AT_HWCAP, 0x178bfbff }, { AT_NULL, 0 },
	};
	uint8_t buf[1024];
	struct stack s = { buf, sizeof(buf), TOP };
	struct elf_stack_args a = args();
	uint64_t sp, end;

	a.auxv = aux;
	sp = elf_build_stack(buf, sizeof(buf), TOP, &a);
	assert_int_not_equal(sp, 0);
	end = verify(&s, sp, &a);
	assert_int_equal(end - sp, 8 * (1 + 4 + 3) + 16 * 5);
}

/* Nothing but the pointer block's NULLs and AT_NULL. */
static void
test_empty(void **state)
{
	uint8_t buf[64];
	struct stack s = { buf, sizeof(buf), TOP };
	struct elf_stack_args a = { 0 };
	uint64_t sp;

	sp = elf_build_stack(buf, sizeof(buf), TOP, &a);
	assert_int_not_equal(sp, 0);
	assert_int_equal(verify(&s, sp, &a) - sp, 8 * 3 + 16);
	/* Keys without a value to give pass through untouched. */
	static const struct elf_auxv aux[] = { { AT_RANDOM, 42 }, { AT_NULL, 0 } };
	a.auxv = aux;
	sp = elf_build_stack(buf, sizeof(buf), TOP, &a);
	assert_int_equal(word(&s, sp + 24), AT_RANDOM);
	assert_int_equal(word(&s, sp + 32), 42);
}

/* 16-byte alignment whatever the parity of argc, envc and string sizes. */
static void
test_alignment(void **state)
{
	static const char *const pool[] = {
		"a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g", NULL
	};
	uint8_t buf[2048];
	struct stack s = { buf, sizeof(buf), TOP };
	struct elf_stack_args a = args();
	const char *argv[8], *envp[8];
	int na, ne, i;
	uint64_t sp;

	for (na = 0; na < 7; na++)
		for (ne = 0; ne < 7; ne++) {
			for (i = 0; i < na; i++)
				argv[i] = pool[(i + ne) % 7];
			argv[na] = NULL;
			for (i = 0; i < ne; i++)
				envp[i] = pool[(i + na + 3) % 7];
			envp[ne] = NULL;
			a.argv = argv;
			a.envp = envp;
			sp = elf_build_stack(buf, sizeof(buf), TOP - 8 * (na & 1),
			    &a);
			s.top = TOP - 8 * (na & 1);
			verify(&s, sp, &a);
		}
}

/* Every buffer shorter than needed fails cleanly; ASan checks the writes. */
static void
test_too_small(void **state)
{
	struct elf_stack_args a = args();
	size_t n, need = 0;
	uint8_t *buf;
	uint64_t sp;

	for (n = 0; n < 1024; n++) {
		buf = malloc(n ? n : 1);
		sp = elf_build_stack(buf, n, TOP, &a);
		free(buf);
		if (sp != 0) {
			need = n;
			break;
		}
	}
	assert_int_not_equal(need, 0);
	for (n = need; n < need + 64; n++) {
		buf = malloc(n);
		struct stack s = { buf, n, TOP };
		sp = elf_build_stack(buf, n, TOP, &a);
		assert_int_not_equal(sp, 0);
		verify(&s, sp, &a);
		free(buf);
	}
	/* A buffer that would start below address 0. */
	buf = malloc(4096);
	assert_int_equal(elf_build_stack(buf, 4096, 4000, &a), 0);
	free(buf);
}

/* The host buffer need not be aligned; only user addresses are. */
static void
test_unaligned_buffer(void **state)
{
	uint8_t raw[1024 + 1];
	struct stack s = { raw + 1, 1024, TOP };
	struct elf_stack_args a = args();
	uint64_t sp;

	sp = elf_build_stack(raw + 1, 1024, TOP, &a);
	assert_int_not_equal(sp, 0);
	verify(&s, sp, &a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_no_duplicates),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_unaligned_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
