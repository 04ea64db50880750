/*
 * A tiny in-memory ELF builder: the corpus generator for the tests.
 * tb_init() makes a valid static x86-64 program; tests then bend one
 * field and ask elf_check() what it thinks.
 */
#ifndef ELF_BUILDER_H
#define ELF_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "elf64.h"

#define TB_MAXPH	8
#define TB_IMG		0x3000		/* room for the whole file */
#define TB_LEN		0x2080		/* the valid file's length */
#define TB_USER_END	0x0000800000000000ull

/* The valid program: three PT_LOADs (headers, text, data+bss), a stack. */
enum { TB_HDRS, TB_TEXT, TB_DATA, TB_STACK, TB_NPH };
#define TB_BASE		0x400000ull
#define TB_ENTRY	(TB_BASE + 0x1010)
#define TB_INTERP_OFF	0x300

struct tb {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[TB_MAXPH];
	unsigned nph;			/* how many of ph[] to write */
	size_t phdr_at;			/* where: 64, whatever e_phoff says */
	size_t len;			/* file length handed to the library */
	uint8_t img[TB_IMG];		/* the file's bytes */
};

void tb_init(struct tb *t);
/* Turns the program into ET_DYN linked at 0. */
void tb_make_dyn(struct tb *t);
/* Appends a program header; returns its index. */
unsigned tb_add(struct tb *t, uint32_t type, uint32_t flags, uint64_t off,
		uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align);
/* Appends a PT_INTERP naming path (NUL included), stored at TB_INTERP_OFF. */
unsigned tb_add_interp(struct tb *t, const char *path);
/*
 * The file as a malloc'd buffer of exactly t->len bytes, so that any
 * read past the end trips AddressSanitizer.  Free it.
 */
uint8_t *tb_file(struct tb *t);
/* The byte the valid file holds at offset off (the segment pattern). */
uint8_t tb_pattern(size_t off);

#endif
