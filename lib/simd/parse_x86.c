/* SPDX-License-Identifier: MIT */
/* Address text parse, x86-64 SIMD levels (lib/addr_impl.h). Placeholder
 * until the kernels land: the portable code at every level. */
#include "../addr_impl.h"

#ifdef SP_SIMD_X86
int sp_addr_parse_sse4(const char *s, size_t len, struct sixplane_addr *out)
{
	(void)s, (void)len, (void)out;
	return 0;
}

int sp_addr_parse_avx2(const char *s, size_t len, struct sixplane_addr *out)
{
	(void)s, (void)len, (void)out;
	return 0;
}

int sp_addr_parse_avx512(const char *s, size_t len, struct sixplane_addr *out)
{
	(void)s, (void)len, (void)out;
	return 0;
}
#endif
