/*
 * The PVH boot protocol (Xen's hvm_start_info, which QEMU, Firecracker
 * and Cloud Hypervisor also use): memory map, command line and modules.
 */
#include "arch.h"
#include "core.h"
#include "plat.h"
#include "kvm.h"

#define HVM_START_MAGIC	0x336ec578
#define E820_RAM	1

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;		/* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

static const struct hvm_start_info *start_info;

static const void *phys(uint64_t pa)
{
	return (const void *)(PHYSMAP_BASE + pa);
}

void pvh_init(uint64_t start_info_pa)
{
	start_info = phys(start_info_pa);
	if (start_info->magic != HVM_START_MAGIC)
		panic("PVH start info has bad magic %#x", start_info->magic);
	if (start_info->version < 1 || !start_info->memmap_paddr)
		panic("PVH start info has no memory map (version %u)",
		      start_info->version);
}

size_t plat_memory_regions(struct plat_mem_region *out, size_t max)
{
	const struct hvm_memmap_entry *map = phys(start_info->memmap_paddr);
	size_t n = 0;

	for (uint32_t i = 0; i < start_info->memmap_entries && n < max; i++) {
		if (map[i].type != E820_RAM)
			continue;
		out[n].base = map[i].addr;
		out[n].len = map[i].size;
		n++;
	}
	return n;
}

const char *plat_cmdline(void)
{
	if (!start_info->cmdline_paddr)
		return "";
	return phys(start_info->cmdline_paddr);
}

int plat_initrd(uint64_t *pa, uint64_t *len)
{
	const struct hvm_modlist_entry *mod;

	if (start_info->nr_modules == 0 || !start_info->modlist_paddr)
		return -ENOENT;
	mod = phys(start_info->modlist_paddr);
	*pa = mod->paddr;
	*len = mod->size;
	return 0;
}
