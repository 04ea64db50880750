/* PCI configuration space through the legacy ports 0xcf8/0xcfc. */
#include "arch.h"
#include "plat.h"
#include "kvm.h"

#define CONFIG_ADDRESS	0xcf8
#define CONFIG_DATA	0xcfc

static uint32_t address(unsigned bdf, unsigned off)
{
	return 0x80000000u | (bdf & 0xffffu) << 8 | (off & 0xfc);
}

uint32_t plat_pci_read32(unsigned bdf, unsigned off)
{
	outl(CONFIG_ADDRESS, address(bdf, off));
	return inl(CONFIG_DATA);
}

void plat_pci_write32(unsigned bdf, unsigned off, uint32_t v)
{
	outl(CONFIG_ADDRESS, address(bdf, off));
	outl(CONFIG_DATA, v);
}
