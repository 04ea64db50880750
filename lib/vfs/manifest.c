/*
 * The manifest parser (format in manifest.h).  The text comes from the
 * image, so it is untrusted: every line is bounded, every byte checked,
 * and strings are unescaped into the manifest's own buffer, never past it.
 */
#include <string.h>

#include "hex.h"
#include "core.h"
#include "manifest.h"

/* Only printable ASCII travels raw; everything else must be escaped. */
static int
check_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return -EINVAL;
	return 0;
}

/* Decodes one escape at s[*i] (just past the backslash) into *out. */
static int
unescape_one(const char *s, size_t n, size_t *i, char *out)
{
	int hi, lo;

	if (*i >= n)
		return -EINVAL;
	switch (s[*i]) {
	case '\\':
		*out = '\\';
		*i += 1;
		return 0;
	case 'n':
		*out = '\n';
		*i += 1;
		return 0;
	case 'x':
		if (n - *i < 3 || (hi = hexval(s[*i + 1])) < 0 ||
		    (lo = hexval(s[*i + 2])) < 0)
			return -EINVAL;
		if (hi == 0 && lo == 0)
			return -EINVAL;		/* a C string cannot hold NUL */
		*out = (char)(hi << 4 | lo);
		*i += 3;
		return 0;
	}
	return -EINVAL;
}

/* Unescapes s[0..n) into m->strings; *res points at the copy. */
static int
store(struct manifest *m, const char *s, size_t n, char **res)
{
	char *dst = m->strings + m->strused;
	size_t room = MANIFEST_STRBUF - m->strused;
	size_t i = 0, o = 0;
	char c;
	int err;

	while (i < n) {
		c = s[i++];
		if (c == '\\' && (err = unescape_one(s, n, &i, &c)) != 0)
			return err;
		if (o >= room)
			return -E2BIG;
		dst[o++] = c;
	}
	if (o >= room)
		return -E2BIG;
	dst[o++] = '\0';
	m->strused += o;
	*res = dst;
	return 0;
}

static int
store_path(struct manifest *m, const char *s, size_t n, char **res)
{
	int err;

	if (*res != NULL)
		return -EINVAL;		/* said twice */
	if ((err = store(m, s, n, res)) != 0)
		return err;
	return (*res)[0] == '/' ? 0 : -EINVAL;
}

static int
add_arg(struct manifest *m, const char *s, size_t n)
{
	char *a;
	int err;

	if (m->argc >= MANIFEST_MAX_ARGS)
		return -E2BIG;
	if ((err = store(m, s, n, &a)) != 0)
		return err;
	m->argv[m->argc++] = a;
	return 0;
}

static int
add_env(struct manifest *m, const char *s, size_t n)
{
	char *e;
	int err;

	if (m->envc >= MANIFEST_MAX_ENV)
		return -E2BIG;
	if ((err = store(m, s, n, &e)) != 0)
		return err;
	if (e[0] == '=' || strchr(e, '=') == NULL)
		return -EINVAL;
	m->envp[m->envc++] = e;
	return 0;
}

static int
keyword_is(const char *s, size_t n, const char *kw)
{
	return n == strlen(kw) && memcmp(s, kw, n) == 0;
}

static int
parse_line(struct manifest *m, const char *s, size_t n)
{
	const char *sp, *val;
	size_t kwlen, vlen;

	if (n > MANIFEST_MAX_LINE || check_printable(s, n) != 0)
		return -EINVAL;
	if (n == 0 || s[0] == '#')
		return 0;
	if ((sp = memchr(s, ' ', n)) == NULL)
		return -EINVAL;
	kwlen = (size_t)(sp - s);
	val = sp + 1;
	vlen = n - kwlen - 1;
	if (keyword_is(s, kwlen, "program"))
		return store_path(m, val, vlen, &m->program);
	if (keyword_is(s, kwlen, "cwd"))
		return store_path(m, val, vlen, &m->cwd);
	if (keyword_is(s, kwlen, "arg"))
		return add_arg(m, val, vlen);
	if (keyword_is(s, kwlen, "env"))
		return add_env(m, val, vlen);
	return -EINVAL;
}

/* Defaults for what the text left out, and the NULL ends of the vectors. */
static int
finish(struct manifest *m)
{
	int err;

	if (m->program == NULL)
		return -EINVAL;
	if (m->cwd == NULL && (err = store(m, "/", 1, &m->cwd)) != 0)
		return err;
	if (m->argc == 0)
		m->argv[m->argc++] = m->program;
	m->argv[m->argc] = NULL;
	m->envp[m->envc] = NULL;
	return 0;
}

int
manifest_parse(const char *text, size_t len, struct manifest *m)
{
	const char *nl;
	size_t pos = 0, n;
	int err, line = 0;

	m->program = m->cwd = NULL;
	m->argc = m->envc = 0;
	m->argv[0] = m->envp[0] = NULL;
	m->err_line = 0;
	m->strused = 0;
	while (pos < len) {
		line++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		if ((err = parse_line(m, text + pos, n)) != 0) {
			m->err_line = line;
			return err;
		}
		pos += n + (nl != NULL);
	}
	return finish(m);
}
