/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "wg.h"

void sp_wg_device_free(struct sp_wg_device *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_peers; i++)
		free(d->peers[i].allowed);
	free(d->peers);
	d->peers = NULL;
	d->n_peers = 0;
}
