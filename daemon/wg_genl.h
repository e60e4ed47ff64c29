/* SPDX-License-Identifier: MIT */
/* The kernel's WireGuard (drivers/net/wireguard) as an engine of wg.h:
 * the interface made with rtnetlink (kind "wireguard"), its state read and
 * written with generic netlink, family "wireguard", as <linux/wireguard.h>
 * documents it.
 *
 * What the kernel says and what we send, as a device's tree of nested
 * attributes (one message shown; both directions may take several):
 *
 *   genlmsghdr { cmd WG_CMD_GET_DEVICE or WG_CMD_SET_DEVICE, version 1 }
 *   WGDEVICE_A_IFNAME, _PRIVATE_KEY, _PUBLIC_KEY (get), _LISTEN_PORT, ...
 *   WGDEVICE_A_PEERS
 *     0: WGPEER_A_PUBLIC_KEY, _FLAGS (set), _ENDPOINT, _PERSISTENT_KEEPALIVE_
 *        INTERVAL, _LAST_HANDSHAKE_TIME, _RX_BYTES, _TX_BYTES (get)
 *        WGPEER_A_ALLOWEDIPS
 *          0: WGALLOWEDIP_A_FAMILY, _IPADDR, _CIDR_MASK
 *          ...
 *     ...
 *
 * A device too large for one message takes several, both ways: the first
 * with the device's own attributes, the next ones with the name and more
 * peers. A peer whose allowed IPs do not fit goes on in the next message
 * under the same public key, with only WGPEER_A_PUBLIC_KEY and
 * WGPEER_A_ALLOWEDIPS; a reader joins the parts.
 *
 * IPv4 allowed IPs: the plane's are IPv6, but a device may hold IPv4 ones
 * (set by hand with wg(8)). A get reports them, as IPv4-mapped prefixes
 * (::ffff:a.b.c.d, length 96 + the IPv4 one), so that a diff against the
 * plan sees them and replaces them; a set sends such a prefix (length 96
 * or more) as the IPv4 one it stands for. */
#ifndef SIXPLANED_WG_GENL_H
#define SIXPLANED_WG_GENL_H

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

#include "wg.h"

/* The largest SET_DEVICE message we build: libmnl's MNL_SOCKET_BUFFER_SIZE
 * on its largest pages, what wireguard-tools sends at most. The kernel
 * takes far larger (up to the socket's send buffer), but a message this
 * size is answered whatever the host's memory limits. */
#define SP_WG_GENL_MSG_MAX 8192

/* name "kernel". get: the device named (-ENODEV: none such; -EOPNOTSUPP:
 * not a WireGuard one, or no module at all). set: every message of the
 * change, each acknowledged before the next is sent; a message refused
 * leaves those before it in force (err says which failed). The private key
 * the kernel reports is never copied: every buffer that held it is wiped. */
extern const struct sp_wg_engine_ops sp_wg_genl_ops;

/* Whether the kernel can make WireGuard interfaces: the generic netlink
 * family "wireguard" resolves (asking for it loads the module where it can
 * be loaded), or creating a link of kind "wireguard" works (which loads it
 * too); that link has a throwaway name and is removed at once. 0 yes,
 * -EOPNOTSUPP no (err: "the kernel has no WireGuard module"), another
 * negative errno when it cannot tell (-EPERM without CAP_NET_ADMIN). */
int sp_wg_genl_probe(char *err, size_t errlen);

/* Create the interface ifname, of kind "wireguard" (RTM_NEWLINK with
 * NLM_F_CREATE | NLM_F_EXCL: -EEXIST if the name is taken). It is made
 * down, with no key and no peers. 0 or a negative errno (err says why). */
int sp_wg_genl_create(const char *ifname, char *err, size_t errlen);

/* One message of a WG_CMD_GET_DEVICE dump, h->nlmsg_len bytes at h (the
 * caller has checked that much is there). Feed them in the order they
 * came, into an out zeroed before the first: out gathers the device, a
 * peer continued from the previous message joined to its first part.
 * has_private_key says whether WGDEVICE_A_PRIVATE_KEY came; the key itself
 * is not copied. 0, -EBADMSG (not a well-formed device message: an
 * attribute of the wrong size, a peer without a key, an allowed IP of no
 * known family ...) or -ENOMEM; on an error out holds what came before it
 * and is still the caller's to free. */
int sp_wg_genl_parse_msg(const struct nlmsghdr *h, struct sp_wg_device *out);

/* The WG_CMD_SET_DEVICE request(s) for change c on ifname, for the family
 * id family_id: whole netlink messages laid back to back in buf (cap
 * bytes), each at most SP_WG_GENL_MSG_MAX, each NLM_F_REQUEST | NLM_F_ACK,
 * the i-th with sequence number seq + i. *n_msgs is their count, *used
 * their total length.
 *
 * The first message has the private key (when c gives it) and the listen
 * port (when not 0). Then the peers: c->remove first, each with
 * WGPEER_F_REMOVE_ME; then c->set, each with WGPEER_F_REPLACE_ALLOWEDIPS,
 * its endpoint when it has a family, its keepalive always (0 turns it off)
 * and its allowed IPs. WGDEVICE_F_REPLACE_PEERS is never sent: peers not
 * named are left alone. A peer that does not fit in what is left of a
 * message starts the next one, and is split only when it fits in no
 * message at all; then only its first part carries the flags, the
 * endpoint and the keepalive, so the later parts add to its allowed IPs.
 *
 * When c->private_key is given, buf must be sodium_malloc'd memory (locked
 * and left out of core dumps), and the caller wipes it when done
 * (sodium_free does). 0; -E2BIG when cap is too small (buf is wiped then);
 * -EINVAL for an ifname of no interface name's length, an endpoint of no
 * known family or a prefix longer than 128. */
int sp_wg_genl_build_set(uint16_t family_id, uint32_t seq, const char *ifname,
			 const struct sp_wg_change *c, void *buf, size_t cap, size_t *n_msgs,
			 size_t *used);

#endif
