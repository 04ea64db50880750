"""The tessera command's modules: elfdeps (what a dynamic ELF loads),
oci (OCI image tarballs), image (building and reading images), store
(the package store), qemu (booting), runstate (detached VMs), cli."""
