/*
 * elf_load: places a checked program's PT_LOAD segments through the
 * caller's callbacks.  Segments may share a page at their edges (the gABI
 * allows it though today's linkers avoid it), so mapping walks the pages
 * in order and maps each exactly once, a shared page with the union of
 * its segments' protections; then the file bytes are copied in.
 */
#include "elf_priv.h"

static unsigned
seg_prot(const Elf64_Phdr *ph)
{
	unsigned prot = 0;

	if (ph->p_flags & PF_R)
		prot |= ELF_PROT_READ;
	if (ph->p_flags & PF_W)
		prot |= ELF_PROT_WRITE;
	if (ph->p_flags & PF_X)
		prot |= ELF_PROT_EXEC;
	return prot;
}

/* Protections the PT_LOADs after i want on page `page` (their first). */
static unsigned
later_prot(const void *buf, const struct elf_info *info, unsigned i,
	   uint64_t page)
{
	unsigned prot = 0;
	Elf64_Phdr ph;

	for (i++; i < info->phnum; i++) {
		elf_phdr(buf, info, i, &ph);
		if (!elf_is_load(&ph))
			continue;
		if (ALIGN_DOWN(ph.p_vaddr, ELF_PAGE) != page)
			break;		/* sorted: no later one starts there */
		prot |= seg_prot(&ph);
	}
	return prot;
}

/*
 * Maps the pages of segment i not mapped yet (those below *done were, by
 * an earlier segment that shared its last page with this one).
 */
static enum elf_error
map_segment(const void *buf, const struct elf_info *info, unsigned i,
	    uint64_t bias, const struct elf_loader_ops *ops, void *ctx,
	    uint64_t *done)
{
	uint64_t start, end, last;
	unsigned prot, lprot;
	Elf64_Phdr ph;

	elf_phdr(buf, info, i, &ph);
	start = MAX(ALIGN_DOWN(ph.p_vaddr, ELF_PAGE), *done);
	end = ALIGN_UP(ph.p_vaddr + ph.p_memsz, ELF_PAGE);
	if (start >= end)
		return ELF_OK;
	*done = end;
	prot = seg_prot(&ph);
	last = end - ELF_PAGE;
	lprot = prot | later_prot(buf, info, i, last);
	if (lprot == prot)
		return ops->map(ctx, start + bias, end - start, prot) ?
		    ELF_ERR_MAP : ELF_OK;
	if (last > start && ops->map(ctx, start + bias, last - start, prot))
		return ELF_ERR_MAP;
	return ops->map(ctx, last + bias, ELF_PAGE, lprot) ? ELF_ERR_MAP : ELF_OK;
}

static enum elf_error
map_all(const void *buf, const struct elf_info *info, uint64_t bias,
	const struct elf_loader_ops *ops, void *ctx)
{
	uint64_t done = 0;
	enum elf_error e;
	Elf64_Phdr ph;
	unsigned i;

	for (i = 0; i < info->phnum; i++) {
		elf_phdr(buf, info, i, &ph);
		if (!elf_is_load(&ph))
			continue;
		if ((e = map_segment(buf, info, i, bias, ops, ctx, &done)))
			return e;
	}
	return ELF_OK;
}

/* Only p_filesz bytes: a neighbour sharing the page keeps its own. */
static enum elf_error
copy_all(const void *buf, const struct elf_info *info, uint64_t bias,
	 const struct elf_loader_ops *ops, void *ctx)
{
	const uint8_t *file = buf;
	Elf64_Phdr ph;
	unsigned i;

	for (i = 0; i < info->phnum; i++) {
		elf_phdr(buf, info, i, &ph);
		if (!elf_is_load(&ph) || ph.p_filesz == 0)
			continue;
		if (ops->copy(ctx, ph.p_vaddr + bias, file + ph.p_offset,
		    ph.p_filesz))
			return ELF_ERR_MAP;
	}
	return ELF_OK;
}

static enum elf_error
check_bias(const struct elf_info *info, uint64_t bias)
{
	uint64_t top = ALIGN_DOWN(info->user_end, ELF_PAGE);

	if (!IS_ALIGNED(bias, ELF_PAGE))
		return ELF_ERR_ALIGN;
	if (info->type == ET_EXEC && bias != 0)
		return ELF_ERR_RANGE;
	if (bias > top || info->hi > top - bias)
		return ELF_ERR_RANGE;
	return ELF_OK;
}

enum elf_error
elf_load(const void *buf, size_t len, uint64_t bias,
	 const struct elf_loader_ops *ops, void *ctx, struct elf_info *info)
{
	struct elf_info fresh;
	enum elf_error e;

	/* Cheap, and the buffer may have changed since it was checked. */
	if ((e = elf_check(buf, len, info->user_end, &fresh)) != ELF_OK ||
	    (e = check_bias(&fresh, bias)) != ELF_OK ||
	    (e = map_all(buf, &fresh, bias, ops, ctx)) != ELF_OK ||
	    (e = copy_all(buf, &fresh, bias, ops, ctx)) != ELF_OK)
		return e;
	fresh.entry += bias;
	if (fresh.phdr_vaddr != 0)
		fresh.phdr_vaddr += bias;
	*info = fresh;
	return ELF_OK;
}
