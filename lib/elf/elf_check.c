/*
 * elf_check: decides whether a buffer is an x86-64 program we can load.
 * The file is hostile input: every field is read once into a local copy,
 * checked before anything trusts it, and all arithmetic on file values is
 * checked for overflow.
 */
#include "elf_priv.h"

/* What the walk over the program headers has seen so far. */
struct scan {
	unsigned nloads;		/* PT_LOADs with p_memsz != 0 */
	uint64_t load_end;		/* end of the previous PT_LOAD */
	uint64_t lo, hi;		/* byte span of the PT_LOADs */
	int have_phdr, have_stack;
	uint64_t phdr_vaddr, phdr_size;	/* PT_PHDR, if any */
};

/* Does [base, base+size) hold all of [a, a+n)?  Written not to overflow. */
static int
holds(uint64_t base, uint64_t size, uint64_t a, uint64_t n)
{
	return a >= base && a - base <= size && n <= size - (a - base);
}

static enum elf_error
check_ident(const Elf64_Ehdr *eh)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return ELF_ERR_MAGIC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return ELF_ERR_CLASS;
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return ELF_ERR_ENDIAN;
	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return ELF_ERR_VERSION;
	return ELF_OK;
}

static enum elf_error
check_ehdr(const Elf64_Ehdr *eh, size_t len)
{
	uint64_t size;

	if (eh->e_machine != EM_X86_64)
		return ELF_ERR_MACHINE;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return ELF_ERR_TYPE;
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return ELF_ERR_HEADER;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return ELF_ERR_PHDR;
	/* The table may not overlap the ELF header nor start past the end. */
	size = (uint64_t)eh->e_phnum * eh->e_phentsize;
	if (eh->e_phoff < sizeof(Elf64_Ehdr) || eh->e_phoff > len ||
	    eh->e_phoff > UINT64_MAX - size)
		return ELF_ERR_PHDR;
	if (eh->e_phoff + size > len)
		return ELF_ERR_TRUNCATED;
	return ELF_OK;
}

static enum elf_error
check_load_file(const Elf64_Phdr *ph, size_t len)
{
	if (ph->p_filesz > ph->p_memsz)
		return ELF_ERR_SEGMENT;
	if (ph->p_offset > len || ph->p_filesz > UINT64_MAX - ph->p_offset)
		return ELF_ERR_SEGMENT;
	if (ph->p_offset + ph->p_filesz > len)
		return ELF_ERR_TRUNCATED;
	return ELF_OK;
}

static enum elf_error
check_load_align(const Elf64_Phdr *ph)
{
	uint64_t a = ph->p_align;
	uint64_t skew = ph->p_vaddr - ph->p_offset;

	if (a > 1 && (a & (a - 1)) != 0)
		return ELF_ERR_ALIGN;
	if (a > 1 && (skew & (a - 1)) != 0)
		return ELF_ERR_ALIGN;
	/*
	 * Linux maps file pages, so it insists on page congruence whatever
	 * p_align says; so do we, though we copy, to accept no more than it.
	 */
	if ((skew & (ELF_PAGE - 1)) != 0)
		return ELF_ERR_ALIGN;
	return ELF_OK;
}

static enum elf_error
check_load_range(const Elf64_Phdr *ph, uint64_t user_end)
{
	if (ph->p_memsz > ELF_MAX_SPAN || ph->p_vaddr > UINT64_MAX - ph->p_memsz)
		return ELF_ERR_RANGE;
	/* Whole pages get mapped, so the last one must fit too. */
	if (ph->p_vaddr + ph->p_memsz > ALIGN_DOWN(user_end, ELF_PAGE))
		return ELF_ERR_RANGE;
	return ELF_OK;
}

static enum elf_error
check_load(const Elf64_Phdr *ph, size_t len, uint64_t user_end, struct scan *s)
{
	enum elf_error e;
	uint64_t end;

	if ((e = check_load_file(ph, len)) != ELF_OK ||
	    (e = check_load_align(ph)) != ELF_OK ||
	    (e = check_load_range(ph, user_end)) != ELF_OK)
		return e;
	/* The gABI wants PT_LOADs sorted; pages may be shared, bytes not. */
	end = ph->p_vaddr + ph->p_memsz;
	if (ph->p_vaddr < s->load_end)
		return ELF_ERR_OVERLAP;
	s->load_end = end;
	if (ph->p_memsz == 0)
		return ELF_OK;
	if (s->nloads++ == 0)
		s->lo = ph->p_vaddr;
	s->hi = end;
	return ELF_OK;
}

/* The interpreter path: one NUL, at the very end. */
static enum elf_error
check_interp(const uint8_t *buf, size_t len, const Elf64_Phdr *ph,
	     struct elf_info *info)
{
	const char *path;

	if (info->interp != NULL)
		return ELF_ERR_INTERP;
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return ELF_ERR_INTERP;
	if (ph->p_filesz < 2 || ph->p_filesz > ELF_MAX_INTERP)
		return ELF_ERR_INTERP;
	path = (const char *)buf + ph->p_offset;
	if (memchr(path, '\0', ph->p_filesz) != path + ph->p_filesz - 1)
		return ELF_ERR_INTERP;
	info->interp = path;
	return ELF_OK;
}

static enum elf_error
check_phdr_seg(const Elf64_Phdr *ph, struct scan *s)
{
	if (s->have_phdr || ph->p_vaddr > UINT64_MAX - ph->p_memsz)
		return ELF_ERR_PHDR;
	s->have_phdr = 1;
	s->phdr_vaddr = ph->p_vaddr;
	s->phdr_size = ph->p_memsz;
	return ELF_OK;
}

static enum elf_error
check_one(const uint8_t *buf, size_t len, const Elf64_Phdr *ph,
	  struct scan *s, struct elf_info *info)
{
	switch (ph->p_type) {
	case PT_LOAD:
		return check_load(ph, len, info->user_end, s);
	case PT_INTERP:
		return check_interp(buf, len, ph, info);
	case PT_PHDR:
		return check_phdr_seg(ph, s);
	case PT_GNU_STACK:
		/* Linux obeys the first one. */
		if (!s->have_stack) {
			s->have_stack = 1;
			info->stack_size = ph->p_memsz;
			info->stack_exec = (ph->p_flags & PF_X) != 0;
		}
		return ELF_OK;
	default:
		return ELF_OK;		/* notes, TLS, dynamic: not ours */
	}
}

/* The entry point must be code: inside an executable PT_LOAD. */
static enum elf_error
check_entry(const void *buf, const struct elf_info *info)
{
	Elf64_Phdr ph;
	unsigned i;

	for (i = 0; i < info->phnum; i++) {
		elf_phdr(buf, info, i, &ph);
		if (elf_is_load(&ph) && (ph.p_flags & PF_X) &&
		    holds(ph.p_vaddr, ph.p_memsz, info->entry, 1))
			return ELF_OK;
	}
	return ELF_ERR_ENTRY;
}

/*
 * Where the program headers are in memory (AT_PHDR): PT_PHDR says so and
 * must lie in a PT_LOAD; otherwise it is wherever the PT_LOAD holding the
 * table's file bytes puts them, or nowhere (0).
 */
static enum elf_error
find_phdrs(const void *buf, const struct scan *s, struct elf_info *info)
{
	uint64_t size = (uint64_t)info->phnum * info->phentsize;
	Elf64_Phdr ph;
	unsigned i;

	for (i = 0; i < info->phnum; i++) {
		elf_phdr(buf, info, i, &ph);
		if (!elf_is_load(&ph))
			continue;
		if (s->have_phdr &&
		    holds(ph.p_vaddr, ph.p_memsz, s->phdr_vaddr, s->phdr_size)) {
			info->phdr_vaddr = s->phdr_vaddr;
			return ELF_OK;
		}
		if (!s->have_phdr &&
		    holds(ph.p_offset, ph.p_filesz, info->phoff, size)) {
			info->phdr_vaddr = ph.p_vaddr + (info->phoff - ph.p_offset);
			return ELF_OK;
		}
	}
	return s->have_phdr ? ELF_ERR_PHDR : ELF_OK;
}

static enum elf_error
check_phdrs(const uint8_t *buf, size_t len, struct elf_info *info)
{
	struct scan s = { 0 };
	enum elf_error e;
	Elf64_Phdr ph;
	unsigned i;

	for (i = 0; i < info->phnum; i++) {
		elf_phdr(buf, info, i, &ph);
		if ((e = check_one(buf, len, &ph, &s, info)) != ELF_OK)
			return e;
	}
	if (s.nloads == 0)
		return ELF_ERR_NOLOAD;
	info->lo = ALIGN_DOWN(s.lo, ELF_PAGE);
	info->hi = ALIGN_UP(s.hi, ELF_PAGE);
	if (info->hi - info->lo > ELF_MAX_SPAN)
		return ELF_ERR_RANGE;
	if ((e = check_entry(buf, info)) != ELF_OK)
		return e;
	return find_phdrs(buf, &s, info);
}

enum elf_error
elf_check(const void *buf, size_t len, uint64_t user_end,
	  struct elf_info *info)
{
	enum elf_error e;
	Elf64_Ehdr eh;

	memset(info, 0, sizeof(*info));
	info->user_end = user_end;
	/* A short file that is not even the start of an ELF (a script, say)
	 * is named for what it is, not for its length. */
	if (memcmp(buf, ELFMAG, len < SELFMAG ? len : SELFMAG) != 0)
		return ELF_ERR_MAGIC;
	if (len < sizeof(eh))
		return ELF_ERR_TRUNCATED;
	memcpy(&eh, buf, sizeof(eh));
	if ((e = check_ident(&eh)) != ELF_OK ||
	    (e = check_ehdr(&eh, len)) != ELF_OK)
		return e;
	info->type = eh.e_type;
	info->entry = eh.e_entry;
	info->phoff = eh.e_phoff;
	info->phnum = eh.e_phnum;
	info->phentsize = eh.e_phentsize;
	return check_phdrs(buf, len, info);
}
