/*
 * Real programs, compiled by the host toolchain at build time (static
 * glibc, static-PIE, dynamic PIE, musl, lld...) and named on the command
 * line: elf_check() must accept each, and elf_load() must reproduce every
 * PT_LOAD's file bytes, zero the rest and give each page its protection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elf64.h"
#include "elf_load.h"
#include "fake_as.h"

#define USER_END	0x0000800000000000ull
#define PIE_BIAS	0x555555554000ull
#define MAX_PROGS	32

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n);
	assert_int_equal(fread(buf, 1, n, fp), n);
	fclose(fp);
	*len = n;
	return buf;
}

/* The table's bytes must be in memory where AT_PHDR will point. */
static void
check_phdrs(struct fake_as *as, const uint8_t *f, const struct elf_info *info)
{
	size_t n = (size_t)info->phnum * info->phentsize;

	assert_int_not_equal(info->phdr_vaddr, 0);
	assert_non_null(fas_at(as, info->phdr_vaddr + n - 1));
	assert_memory_equal(fas_at(as, info->phdr_vaddr), f + info->phoff, n);
}

static void
test_program(void **state)
{
	const char *path = *state;
	struct elf_info info;
	struct fake_as as;
	uint64_t bias;
	uint8_t *f;
	size_t len;
	enum elf_error e;

	f = slurp(path, &len);
	e = elf_check(f, len, USER_END, &info);
	if (e != ELF_OK)
		fail_msg("%s: %s", path, elf_strerror(e));
	bias = info.type == ET_DYN ? PIE_BIAS : 0;
	fas_init(&as, info.lo + bias, info.hi - info.lo);
	assert_non_null(as.mem);
	e = elf_load(f, len, bias, &fas_ops, &as, &info);
	if (e != ELF_OK)
		fail_msg("%s: %s", path, elf_strerror(e));
	assert_int_equal(fas_verify(&as, f, bias), 0);
	assert_int_equal(fas_prot(&as, info.entry) & ELF_PROT_EXEC, ELF_PROT_EXEC);
	check_phdrs(&as, f, &info);
	if (info.interp)
		print_message("%s: ET_%s, %u maps, interp %s\n", path,
		    info.type == ET_DYN ? "DYN" : "EXEC", as.nmaps, info.interp);
	else
		print_message("%s: ET_%s, %u maps\n", path,
		    info.type == ET_DYN ? "DYN" : "EXEC", as.nmaps);
	fas_free(&as);
	free(f);
}

int
main(int argc, char **argv)
{
	struct CMUnitTest tests[MAX_PROGS];
	int i, n = 0;

	for (i = 1; i < argc && n < MAX_PROGS; i++, n++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = argv[i];
		tests[n].test_func = test_program;
		tests[n].initial_state = argv[i];
	}
	if (n == 0) {
		fprintf(stderr, "usage: %s program...\n", argv[0]);
		return 77;	/* meson: skipped */
	}
	return _cmocka_run_group_tests("elf-real", tests, n, NULL, NULL);
}
