/*
 * elf_build_stack: the initial process stack of the x86-64 SysV ABI, as
 * Linux lays it out.  Everything is written into the caller's buffer
 * through a cursor that knows the user address of each byte, so the
 * pointers stored are the ones the program will see.
 */
#include "elf_priv.h"

/* A downward-growing stack in buf, which the program sees at [base, top). */
struct cursor {
	uint8_t *buf;
	uint64_t base;
	uint64_t sp;		/* lowest user address in use */
};

static uint8_t *
at(const struct cursor *c, uint64_t addr)
{
	return c->buf + (addr - c->base);
}

/* Pushes n bytes; 0 (never a valid user address here) if they don't fit. */
static uint64_t
push(struct cursor *c, const void *p, size_t n)
{
	if (n > c->sp - c->base)
		return 0;
	c->sp -= n;
	memcpy(at(c, c->sp), p, n);
	return c->sp;
}

static uint64_t
push_str(struct cursor *c, const char *s)
{
	return s ? push(c, s, strlen(s) + 1) : 0;
}

static size_t
count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Pushes v[n-1] .. v[0] so v[0] ends lowest; returns its address. */
static uint64_t
push_strs(struct cursor *c, const char *const *v, size_t n)
{
	while (n-- > 0)
		if (push_str(c, v[n]) == 0)
			return 0;
	return c->sp;
}

/* The auxv keys whose values the builder supplies. */
static const uint64_t filled_keys[] = { AT_RANDOM, AT_PLATFORM, AT_EXECFN };

/* The addresses the builder fills in, 0 where there is nothing. */
struct filled {
	uint64_t random, platform, execfn;
};

static uint64_t
filled_val(const struct filled *f, uint64_t key)
{
	switch (key) {
	case AT_RANDOM:
		return f->random;
	case AT_PLATFORM:
		return f->platform;
	case AT_EXECFN:
		return f->execfn;
	default:
		return 0;
	}
}

static size_t
count_aux(const struct elf_auxv *auxv)
{
	size_t n = 0;

	while (auxv && auxv[n].key != AT_NULL)
		n++;
	return n;
}

static void
put(struct cursor *c, uint64_t *addr, uint64_t val)
{
	memcpy(at(c, *addr), &val, sizeof(val));
	*addr += sizeof(val);
}

/* argv[] or envp[]: pointers to the strings laid out from `str` up. */
static void
put_ptrs(struct cursor *c, uint64_t *addr, const char *const *v, size_t n,
	 uint64_t str)
{
	size_t i;

	for (i = 0; i < n; i++) {
		put(c, addr, str);
		str += strlen(v[i]) + 1;
	}
	put(c, addr, 0);
}

/* The caller's pairs with our addresses in, the missing ones, AT_NULL. */
static void
put_auxv(struct cursor *c, uint64_t *addr, const struct elf_auxv *auxv,
	 size_t n, const struct filled *f)
{
	const uint64_t *keys = filled_keys;
	int seen[ARRAY_SIZE(filled_keys)] = { 0 };
	size_t i, k;

	for (i = 0; i < n; i++) {
		uint64_t val = filled_val(f, auxv[i].key);

		for (k = 0; k < ARRAY_SIZE(filled_keys); k++)
			seen[k] |= auxv[i].key == keys[k];
		put(c, addr, auxv[i].key);
		put(c, addr, val ? val : auxv[i].val);
	}
	for (k = 0; k < ARRAY_SIZE(filled_keys); k++) {
		if (seen[k] || filled_val(f, keys[k]) == 0)
			continue;
		put(c, addr, keys[k]);
		put(c, addr, filled_val(f, keys[k]));
	}
	put(c, addr, AT_NULL);
	put(c, addr, 0);
}

/* Pairs written: the caller's, the ones we add, AT_NULL. */
static size_t
aux_pairs(const struct elf_auxv *auxv, size_t n, const struct filled *f)
{
	const uint64_t *keys = filled_keys;
	size_t pairs = n + 1, i, k;

	for (k = 0; k < ARRAY_SIZE(filled_keys); k++) {
		if (filled_val(f, keys[k]) == 0)
			continue;
		pairs++;
		for (i = 0; i < n; i++)
			if (auxv[i].key == keys[k]) {
				pairs--;
				break;
			}
	}
	return pairs;
}

/* The strings and random bytes, top down; 0 if they don't fit. */
static int
push_data(struct cursor *c, const struct elf_stack_args *a, size_t argc,
	  size_t envc, uint64_t *argv_at, uint64_t *envp_at, struct filled *f)
{
	static const uint64_t zero;

	if (!push(c, &zero, sizeof(zero)) ||
	    (a->execfn && !(f->execfn = push_str(c, a->execfn))) ||
	    (envc && !(*envp_at = push_strs(c, a->envp, envc))) ||
	    (argc && !(*argv_at = push_strs(c, a->argv, argc))) ||
	    (a->platform && !(f->platform = push_str(c, a->platform))) ||
	    (a->random16 && !(f->random = push(c, a->random16, 16))))
		return 0;
	return 1;
}

uint64_t
elf_build_stack(void *buf, size_t buf_len, uint64_t buf_top,
		const struct elf_stack_args *args)
{
	size_t argc = count(args->argv), envc = count(args->envp);
	size_t nauxv = count_aux(args->auxv);
	uint64_t argv_at = 0, envp_at = 0, words, sp, addr;
	struct filled f = { 0 };
	struct cursor c;

	if (buf_top < buf_len)
		return 0;
	c.buf = buf;
	c.base = buf_top - buf_len;
	c.sp = buf_top;
	if (!push_data(&c, args, argc, envc, &argv_at, &envp_at, &f))
		return 0;
	/* argc, argv[] NULL, envp[] NULL, the auxv pairs. */
	words = 1 + (argc + 1) + (envc + 1);
	if (nauxv > buf_len / 16 || words > buf_len / 8)
		return 0;
	words += 2 * aux_pairs(args->auxv, nauxv, &f);
	if (words * 8 > c.sp - c.base)
		return 0;
	sp = ALIGN_DOWN(c.sp - words * 8, 16);
	if (sp < c.base || sp == 0)
		return 0;
	memset(at(&c, sp + words * 8), 0, c.sp - (sp + words * 8));
	addr = sp;
	put(&c, &addr, argc);
	put_ptrs(&c, &addr, args->argv, argc, argv_at);
	put_ptrs(&c, &addr, args->envp, envc, envp_at);
	put_auxv(&c, &addr, args->auxv, nauxv, &f);
	return sp;
}
