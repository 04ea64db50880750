/*
 * Host tests of the manifest parser: good manifests, every escape, and a
 * corpus of malformed ones with the line each error is blamed on.  Every
 * text is copied into a buffer of exactly its length (no NUL after it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core.h"
#include "manifest.h"

static struct manifest m;

static int
parse_n(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = manifest_parse(copy, len, &m);
	free(copy);
	return r;
}

static int
parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* Parsing text fails with err, blamed on line. */
static void
expect_error(const char *text, int err, int line)
{
	assert_int_equal(parse(text), err);
	assert_int_equal(m.err_line, line);
}

/* A string of n copies of c, for long lines; the caller frees it. */
static char *
repeat(const char *prefix, char c, size_t n, const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix);
	char *r = malloc(p + n + s + 1);

	assert_non_null(r);
	memcpy(r, prefix, p);
	memset(r + p, c, n);
	memcpy(r + p + n, suffix, s + 1);
	return r;
}

static void
test_full(void **state)
{
	(void)state;
	assert_int_equal(parse("program /bin/hello\n"
			       "cwd /srv\n"
			       "arg hello\n"
			       "arg -v\n"
			       "arg \n"
			       "env A=1\n"
			       "env PATH=/bin:/usr/bin\n"
			       "env EMPTY=\n"), 0);
	assert_string_equal(m.program, "/bin/hello");
	assert_string_equal(m.cwd, "/srv");
	assert_int_equal(m.argc, 3);
	assert_string_equal(m.argv[0], "hello");
	assert_string_equal(m.argv[1], "-v");
	assert_string_equal(m.argv[2], "");
	assert_null(m.argv[3]);
	assert_int_equal(m.envc, 3);
	assert_string_equal(m.envp[0], "A=1");
	assert_string_equal(m.envp[1], "PATH=/bin:/usr/bin");
	assert_string_equal(m.envp[2], "EMPTY=");
	assert_null(m.envp[3]);
	assert_int_equal(m.err_line, 0);
}

static void
test_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse("program /bin/true"), 0);	/* no final \n */
	assert_string_equal(m.cwd, "/");
	assert_int_equal(m.argc, 1);
	assert_ptr_equal(m.argv[0], m.program);
	assert_null(m.argv[1]);
	assert_int_equal(m.envc, 0);
	assert_null(m.envp[0]);
}

static void
test_comments_and_blank_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("# Tessera manifest\n\n"
			       "program /p\n"
			       "#arg not-an-arg\n"
			       "\n\n"
			       "arg x\n"), 0);
	assert_int_equal(m.argc, 1);
	assert_string_equal(m.argv[0], "x");
	/* A second parse into the same struct starts afresh. */
	assert_int_equal(parse("program /q\n"), 0);
	assert_string_equal(m.program, "/q");
	assert_int_equal(m.argc, 1);
	assert_int_equal(m.strused, sizeof("/q") + sizeof("/"));
}

static void
test_escapes(void **state)
{
	(void)state;
	assert_int_equal(parse("program /bin/my\\x20prog\n"
			       "arg a\\\\b\\nc\n"
			       "arg \\x41\\x7f\\xff\\xAb\\xcD\n"
			       "arg \\\\x41\n"
			       "arg #not a comment\n"
			       "env K=two\\nlines\n"), 0);
	assert_string_equal(m.program, "/bin/my prog");
	assert_string_equal(m.argv[0], "a\\b\nc");
	assert_string_equal(m.argv[1], "A\x7f\xff\xab\xcd");
	assert_string_equal(m.argv[2], "\\x41");
	assert_string_equal(m.argv[3], "#not a comment");
	assert_string_equal(m.envp[0], "K=two\nlines");
}

/* Only the first len bytes count, wherever the NUL is. */
static void
test_length_respected(void **state)
{
	static const char text[] = "program /a\narg one\narg two\n";

	(void)state;
	assert_int_equal(parse_n(text, strlen("program /a\narg one\nar")),
			 -EINVAL);
	assert_int_equal(m.err_line, 3);
	assert_int_equal(parse_n(text, strlen("program /a\narg on")), 0);
	assert_int_equal(m.argc, 1);
	assert_string_equal(m.argv[0], "on");
	assert_int_equal(parse_n(text, 0), -EINVAL);	/* empty: no program */
	assert_int_equal(m.err_line, 0);
}

static void
test_bad_directives(void **state)
{
	(void)state;
	expect_error("program /p\nprog /x\n", -EINVAL, 2);
	expect_error("program /p\nARG x\n", -EINVAL, 2);
	expect_error("program /p\narg\n", -EINVAL, 2);		/* no space */
	expect_error("program\n", -EINVAL, 1);
	expect_error(" program /p\n", -EINVAL, 1);
	expect_error("program\t/p\n", -EINVAL, 1);
	expect_error("\n\n# c\nbogus line\nprogram /p\n", -EINVAL, 4);
	expect_error("program /p\nenv FOO\n", -EINVAL, 2);	/* no "=" */
	expect_error("program /p\nenv =x\n", -EINVAL, 2);	/* empty key */
	expect_error("program /p\nenv \n", -EINVAL, 2);
}

static void
test_bad_paths(void **state)
{
	(void)state;
	expect_error("arg x\nenv A=b\n", -EINVAL, 0);		/* no program */
	expect_error("program /a\nprogram /b\n", -EINVAL, 2);
	expect_error("program /a\ncwd /\ncwd /tmp\n", -EINVAL, 3);
	expect_error("program bin/a\n", -EINVAL, 1);
	expect_error("program \n", -EINVAL, 1);
	expect_error("program /a\ncwd tmp\n", -EINVAL, 2);
	expect_error("program \\x2fa\ncwd \n", -EINVAL, 2);
}

static void
test_bad_escapes(void **state)
{
	static const char *const bad[] = {
		"arg \\t\n", "arg a\\\n", "arg a\\", "arg \\x4\n", "arg \\x\n",
		"arg \\xg0\n", "arg \\x0g\n", "arg \\x00\n", "arg \\X41\n",
		"arg \\N\n", "arg \\ \n", "arg \\0\n",
	};
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text), "program /p\n%s", bad[i]);
		expect_error(text, -EINVAL, 2);
	}
	/* Cut off at the very end of the text, where no newline follows. */
	expect_error("program /p\narg \\x4", -EINVAL, 2);
	expect_error("program /p\narg \\x", -EINVAL, 2);
	expect_error("program /p\narg \\", -EINVAL, 2);
}

/* Raw bytes outside printable ASCII: NUL, tab, CR, DEL, 8-bit. */
static void
test_raw_bytes(void **state)
{
	static const char nul[] = "program /p\narg a\0b\n";

	(void)state;
	assert_int_equal(parse_n(nul, sizeof(nul) - 1), -EINVAL);
	assert_int_equal(m.err_line, 2);
	expect_error("program /p\narg a\tb\n", -EINVAL, 2);
	expect_error("program /p\r\narg a\n", -EINVAL, 1);
	expect_error("program /p\narg \x7f\n", -EINVAL, 2);
	expect_error("program /p\narg caf\xc3\xa9\n", -EINVAL, 2);
	expect_error("# \x01 comment\nprogram /p\n", -EINVAL, 1);
}

static void
test_too_many(void **state)
{
	size_t cap = 16 + (MANIFEST_MAX_ARGS + 1) * 8;
	char *text = malloc(cap);
	size_t n;
	int i;

	(void)state;
	assert_non_null(text);
	n = (size_t)snprintf(text, cap, "program /p\n");
	for (i = 0; i < MANIFEST_MAX_ARGS; i++)
		n += (size_t)snprintf(text + n, cap - n, "arg %d\n", i % 10);
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.argc, MANIFEST_MAX_ARGS);
	assert_null(m.argv[MANIFEST_MAX_ARGS]);
	snprintf(text + n, cap - n, "arg x\n");
	expect_error(text, -E2BIG, MANIFEST_MAX_ARGS + 2);

	n = (size_t)snprintf(text, cap, "program /p\n");
	for (i = 0; i < MANIFEST_MAX_ENV; i++)
		n += (size_t)snprintf(text + n, cap - n, "env A=%d\n", i % 10);
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.envc, MANIFEST_MAX_ENV);
	assert_null(m.envp[MANIFEST_MAX_ENV]);
	snprintf(text + n, cap - n, "env B=x\n");
	expect_error(text, -E2BIG, MANIFEST_MAX_ENV + 2);
	free(text);
}

static void
test_line_length(void **state)
{
	/* "arg " + value: exactly the longest line, then one byte more. */
	char *ok = repeat("program /p\narg ", 'x', MANIFEST_MAX_LINE - 4, "\n");
	char *over = repeat("program /p\narg ", 'x', MANIFEST_MAX_LINE - 3, "\n");
	char *cmt = repeat("program /p\n#", 'x', MANIFEST_MAX_LINE, "");

	(void)state;
	assert_int_equal(parse(ok), 0);
	assert_int_equal(strlen(m.argv[0]), MANIFEST_MAX_LINE - 4);
	expect_error(over, -EINVAL, 2);
	expect_error(cmt, -EINVAL, 2);		/* comments too, final line */
	free(ok);
	free(over);
	free(cmt);
}

/* The unescaped strings share MANIFEST_STRBUF bytes, NULs included. */
static void
test_string_space(void **state)
{
	size_t each = MANIFEST_MAX_LINE - 4, n, cap, fit, i;
	char *text, *arg = repeat("arg ", 'y', each, "\n");

	(void)state;
	/* program "/p" and cwd "/" take 3 + 2 bytes; each arg each + 1. */
	fit = (MANIFEST_STRBUF - 5) / (each + 1);
	cap = 16 + (fit + 1) * (each + 5) + 16;
	text = malloc(cap);
	assert_non_null(text);
	n = (size_t)snprintf(text, cap, "program /p\n");
	for (i = 0; i < fit; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s", arg);
	assert_int_equal(parse(text), 0);
	assert_int_equal((size_t)m.argc, fit);
	snprintf(text + n, cap - n, "%s", arg);
	expect_error(text, -E2BIG, (int)fit + 2);
	free(text);
	free(arg);
}

/*
 * "program /p" then args whose copies take exactly used bytes of the
 * string buffer after "/p" (chunks of at most 4000, escapes included).
 */
static char *
fill_text(size_t used)
{
	size_t a = 0, n, r, chunk, cap = 2 * MANIFEST_STRBUF;
	char *text = malloc(cap);

	assert_non_null(text);
	n = (size_t)snprintf(text, cap, "program /p\n");
	while (a < used) {
		r = used - a;
		chunk = MIN(r - 1, (size_t)4000);
		n += (size_t)snprintf(text + n, cap - n, "arg \\x41");
		memset(text + n, 'z', chunk ? chunk - 1 : 0);
		n += chunk ? chunk - 1 : 0;
		if (chunk == 0)
			n -= 4;		/* "\x41" off again: an empty arg */
		text[n++] = '\n';
		a += chunk + 1;
	}
	text[n] = '\0';
	return text;
}

/* The last byte of the buffer is usable, and not one more. */
static void
test_string_space_exact(void **state)
{
	size_t room = MANIFEST_STRBUF - sizeof("/p");
	char *text;

	(void)state;
	text = fill_text(room - 2);		/* cwd "/" fits exactly */
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.strused, MANIFEST_STRBUF);
	assert_string_equal(m.cwd, "/");
	free(text);
	text = fill_text(room - 1);		/* one byte short for cwd */
	expect_error(text, -E2BIG, 0);
	free(text);
	text = fill_text(room - 3);		/* "cwd /ab" needs 4 of the 3 left */
	strcat(text, "cwd /ab\n");
	expect_error(text, -E2BIG, 2 + (int)((room - 3 + 4000) / 4001));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_length_respected),
		cmocka_unit_test(test_bad_directives),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_raw_bytes),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_string_space),
		cmocka_unit_test(test_string_space_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
