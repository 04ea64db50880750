/* The test corpus generator: see elf_builder.h. */
#include <stdlib.h>
#include <string.h>

#include "elf_builder.h"

uint8_t
tb_pattern(size_t off)
{
	return (uint8_t)(off * 7 + 1);
}

unsigned
tb_add(struct tb *t, uint32_t type, uint32_t flags, uint64_t off,
       uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
	Elf64_Phdr *ph = &t->ph[t->nph];

	memset(ph, 0, sizeof(*ph));
	ph->p_type = type;
	ph->p_flags = flags;
	ph->p_offset = off;
	ph->p_vaddr = ph->p_paddr = vaddr;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
	ph->p_align = align;
	t->eh.e_phnum = (uint16_t)++t->nph;
	return t->nph - 1;
}

void
tb_init(struct tb *t)
{
	Elf64_Ehdr *eh = &t->eh;
	size_t i;

	memset(t, 0, sizeof(*t));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TB_ENTRY;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	tb_add(t, PT_LOAD, PF_R, 0, TB_BASE, 0x400, 0x400, 0x1000);
	tb_add(t, PT_LOAD, PF_R | PF_X, 0x1000, TB_BASE + 0x1000, 0x100, 0x100, 0x1000);
	tb_add(t, PT_LOAD, PF_R | PF_W, 0x2000, TB_BASE + 0x2000, 0x80, 0x1800, 0x1000);
	tb_add(t, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	t->phdr_at = sizeof(Elf64_Ehdr);
	t->len = TB_LEN;
	for (i = 0x400; i < TB_IMG; i++)
		t->img[i] = tb_pattern(i);
}

void
tb_make_dyn(struct tb *t)
{
	unsigned i;

	t->eh.e_type = ET_DYN;
	t->eh.e_entry -= TB_BASE;
	for (i = 0; i < t->nph; i++)
		if (t->ph[i].p_type == PT_LOAD || t->ph[i].p_type == PT_PHDR) {
			t->ph[i].p_vaddr -= TB_BASE;
			t->ph[i].p_paddr -= TB_BASE;
		}
}

unsigned
tb_add_interp(struct tb *t, const char *path)
{
	size_t n = strlen(path) + 1;

	memcpy(t->img + TB_INTERP_OFF, path, n);
	return tb_add(t, PT_INTERP, PF_R, TB_INTERP_OFF, TB_BASE + TB_INTERP_OFF,
	    n, n, 1);
}

uint8_t *
tb_file(struct tb *t)
{
	uint8_t *f = malloc(t->len ? t->len : 1);

	memcpy(t->img, &t->eh, sizeof(t->eh));
	memcpy(t->img + t->phdr_at, t->ph, t->nph * sizeof(Elf64_Phdr));
	memcpy(f, t->img, t->len);
	return f;
}
