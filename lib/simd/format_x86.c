/* SPDX-License-Identifier: MIT */
/* Address text format, x86-64 SIMD levels (lib/addr_impl.h). Placeholder
 * until the kernels land: the portable code at every level. */
#include "../addr_impl.h"

#ifdef SP_SIMD_X86
size_t sp_addr_format_sse4(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	return sp_addr_format_portable(a, buf);
}

size_t sp_addr_format_avx2(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	return sp_addr_format_portable(a, buf);
}

size_t sp_addr_format_avx512(const struct sixplane_addr *a, char buf[SIXPLANE_ADDRSTRLEN])
{
	return sp_addr_format_portable(a, buf);
}
#endif
