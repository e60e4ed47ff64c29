/* SPDX-License-Identifier: MIT */
/* nsgen: send Neighbor Solicitations (well-formed or deliberately broken)
 * out of an interface through a packet socket, and count the Neighbor
 * Advertisements that come back. For the netns tests and bench/ndp.
 *
 *   nsgen -i IFACE -t TARGET [-n COUNT] [-r RATE] [-s SRC] [-m MAC]
 *         [--random-tail BITS] [--malform KIND] [--dad] [--unicast MAC]
 *         [--wait MS] [--print] [--batch N] [--rx-ring] [--pad BYTES]
 *
 * Prints one line: "sent N answered M elapsed_s S rate R refused F cpu_s C"
 * (F: frames the kernel would not take, a full queue; C: this process's
 * user + system CPU time). With --print,
 * every NA received is printed as "na TARGET FROM_MAC TLLA FLAGS".
 * --batch N (1-256, default 1): hand the kernel N frames per sendmmsg
 * call, so a one-CPU generator is not bound by the system call per frame
 * (with -r, a batch leaves when its first frame is due); answers are
 * read with recvmmsg, or with --rx-ring from a PACKET_RX_RING the kernel
 * fills (no copy and no system call per answer: at the top speed, reading
 * the answers would otherwise take the sending CPU's time). --pad BYTES
 * adds that many bytes of options an NS may carry and a receiver skips, for
 * NS larger than a 1500-byte link carries. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sixplane.h"

enum malform {
	M_NONE,
	M_HOP_LIMIT,   /* 254 */
	M_CHECKSUM,    /* off by one */
	M_CODE,	       /* 1 */
	M_ZERO_OPT,    /* an option of length 0 */
	M_MC_TARGET,   /* ff02::1 */
	M_DAD_SLLA,    /* source :: with a source link-layer option */
	M_DAD_UNICAST, /* source :: to a unicast destination */
	M_TRUNCATED,   /* payload length claims more than the frame has */
	M_EXT_HEADER,  /* behind a hop-by-hop header */
	M_SHORT,       /* ICMP length 16 < 24 */
};

static const char *const malform_names[] = {
	"none",	       "hop-limit",	   "checksum", "code",
	"zero-option", "multicast-target", "dad-slla", "dad-unicast",
	"truncated",   "extension-header", "short",
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int die(const char *what, const char *arg)
{
	fprintf(stderr, "nsgen: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An NA answering a solicitation (S=1 or, for DAD answers, to ff02::1);
 * the kernel's own unsolicited advertisements are not counted. */
static bool solicited_na(const uint8_t *f, ssize_t n)
{
	if (n < 86 || f[12] != 0x86 || f[13] != 0xdd || f[20] != 58 || f[54] != 136)
		return false;
	return (f[58] & 0x40) || (f[38] == 0xff && f[39] == 0x02 && f[53] == 1);
}

#define RX_BATCH 64
#define RX_SNAP 256 /* an NA is 86 bytes; what follows is not read */

/* 1 if frame is a solicited NA (printed with print) */
static unsigned long heard(const uint8_t *buf, ssize_t len, bool print)
{
	if (!solicited_na(buf, len))
		return 0;
	if (print) {
		struct sixplane_addr a;
		struct sixplane_mac from, tlla;
		char as[SIXPLANE_ADDRSTRLEN], fs[SIXPLANE_MACSTRLEN], ts[SIXPLANE_MACSTRLEN];
		memcpy(a.b, buf + 14 + 40 + 8, 16);
		memcpy(from.b, buf + 6, 6);
		memcpy(tlla.b, buf + 14 + 40 + 26, 6);
		sixplane_addr_format(&a, as);
		sixplane_mac_format(&from, fs);
		sixplane_mac_format(&tlla, ts);
		printf("na %s %s %s S=%d O=%d\n", as, fs, ts, buf[58] >> 6 & 1, buf[58] >> 5 & 1);
	}
	return 1;
}

/* --rx-ring: a TPACKET_V3 receive ring (packet(7)): the kernel packs the
 * answers into blocks and hands over a block at a time (when full, or
 * 1 ms after its first frame), so it touches no state the reader writes
 * per frame (V2's per-frame status is a cache line both CPUs write for
 * every answer: on the answering CPU that costs more than the answer) */
#define RING_BLOCK (1u << 20)
#define RING_BLOCKS 64
static struct {
	uint8_t *map;
	unsigned next;
} ring;

static void ring_open(int fd)
{
	int v = TPACKET_V3;
	struct tpacket_req3 req = {.tp_block_size = RING_BLOCK,
				   .tp_block_nr = RING_BLOCKS,
				   .tp_frame_size = 2 * RX_SNAP,
				   .tp_frame_nr = RING_BLOCK / (2 * RX_SNAP) * RING_BLOCKS,
				   .tp_retire_blk_tov = 1};

	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		die("PACKET_RX_RING", strerror(errno));
	ring.map = mmap(NULL, (size_t)RING_BLOCK * RING_BLOCKS, PROT_READ | PROT_WRITE, MAP_SHARED,
			fd, 0);
	if (ring.map == MAP_FAILED)
		die("mmap of the receive ring", strerror(errno));
}

static unsigned long ring_drain(bool print)
{
	unsigned long answered = 0;

	for (;;) {
		struct tpacket_block_desc *b = (void *)(ring.map + (size_t)ring.next * RING_BLOCK);
		if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			return answered;
		const uint8_t *p = (const uint8_t *)b + b->hdr.bh1.offset_to_first_pkt;
		for (uint32_t k = 0; k < b->hdr.bh1.num_pkts; k++) {
			const struct tpacket3_hdr *h = (const void *)p;
			answered += heard(p + h->tp_mac, h->tp_snaplen, print);
			p += h->tp_next_offset;
		}
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		ring.next = (ring.next + 1) % RING_BLOCKS;
	}
}

/* Read every answer queued on fd (without waiting); returns how many were
 * solicited NA, printing each with print. */
static unsigned long drain(int fd, bool print)
{
	static uint8_t bufs[RX_BATCH][RX_SNAP];
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];
	unsigned long answered = 0;
	int n;

	if (ring.map)
		return ring_drain(print);
	do {
		for (int k = 0; k < RX_BATCH; k++) {
			iov[k] = (struct iovec){bufs[k], RX_SNAP};
			msgs[k] =
				(struct mmsghdr){.msg_hdr = {.msg_iov = &iov[k], .msg_iovlen = 1}};
		}
		n = recvmmsg(fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
		for (int k = 0; k < n; k++)
			answered += heard(bufs[k], (ssize_t)msgs[k].msg_len, print);
	} while (n == RX_BATCH);
	return answered;
}

/* Build one NS frame; returns its length. */
/* The largest frame built: a 9000-byte MTU and its Ethernet header. */
#define FRAME_MAX 9014

/* --pad: this many more bytes of options (rounded up to 8), which a
 * receiver must skip (RFC 4861 section 4.6: types it does not know) */
static size_t pad_bytes;

static size_t build(uint8_t *f, const struct sixplane_mac *src_mac, const struct sixplane_addr *src,
		    const struct sixplane_addr *target, bool dad, const uint8_t *unicast_mac,
		    enum malform m)
{
	struct sixplane_addr s = *src, t = *target, d;
	uint8_t *ip, *icmp;
	size_t off = 0, plen;
	bool slla = !dad;

	if (m == M_MC_TARGET) {
		memset(&t, 0, sizeof(t));
		t.b[0] = 0xff;
		t.b[1] = 0x02;
		t.b[15] = 1;
	}
	if (m == M_DAD_SLLA || m == M_DAD_UNICAST) {
		dad = true;
		slla = m == M_DAD_SLLA;
	}
	if (dad)
		memset(&s, 0, sizeof(s));
	if (unicast_mac && !dad)
		d = t;
	else if (m == M_DAD_UNICAST)
		d = t;
	else
		d = sixplane_solicited_node(&t);

	struct sixplane_mac dm = sixplane_multicast_mac(&d);
	memcpy(f, unicast_mac && !dad ? unicast_mac : (m == M_DAD_UNICAST ? dm.b : dm.b), 6);
	memcpy(f + 6, src_mac->b, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip = f + 14;
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[6] = 58;
	ip[7] = m == M_HOP_LIMIT ? 254 : 255;
	memcpy(ip + 8, s.b, 16);
	memcpy(ip + 24, d.b, 16);
	icmp = ip + 40;
	if (m == M_EXT_HEADER) {
		/* hop-by-hop options header with PadN, 8 bytes */
		ip[6] = 0;
		icmp[0] = 58;
		icmp[1] = 0;
		icmp[2] = 1;
		icmp[3] = 4;
		memset(icmp + 4, 0, 4);
		icmp += 8;
		off = 8;
	}
	memset(icmp, 0, 32);
	icmp[0] = 135;
	icmp[1] = m == M_CODE ? 1 : 0;
	memcpy(icmp + 8, t.b, 16);
	plen = 24;
	if (slla) {
		icmp[24] = 1;
		icmp[25] = m == M_ZERO_OPT ? 0 : 1;
		memcpy(icmp + 26, src_mac->b, 6);
		plen = 32;
	}
	/* unknown options of up to 255 units of 8 bytes each (type 253, for
	 * experiments: RFC 4727) */
	for (size_t left = (pad_bytes + 7) / 8 * 8; left > 0;) {
		size_t n = left > 255 * 8 ? 255 * 8 : left;
		memset(icmp + plen, 0, n);
		icmp[plen] = 253;
		icmp[plen + 1] = (uint8_t)(n / 8);
		plen += n;
		left -= n;
	}
	if (m == M_SHORT)
		plen = 16;
	uint16_t sum = sixplane_icmp6_checksum(&s, &d, icmp, plen);
	if (m == M_CHECKSUM)
		sum ^= 1;
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	size_t total = off + plen;
	ip[4] = (uint8_t)(total >> 8);
	ip[5] = (uint8_t)total;
	if (m == M_TRUNCATED) {
		ip[5] = (uint8_t)(total + 40);
	}
	return 14 + 40 + total;
}

int main(int argc, char **argv)
{
	enum {
		O_TAIL = 256,
		O_MALFORM,
		O_DAD,
		O_UNICAST,
		O_WAIT,
		O_PRINT,
		O_SEED,
		O_BATCH,
		O_RING,
		O_PAD
	};
	static const struct option opts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"target", required_argument, NULL, 't'},
		{"count", required_argument, NULL, 'n'},
		{"rate", required_argument, NULL, 'r'},
		{"src", required_argument, NULL, 's'},
		{"mac", required_argument, NULL, 'm'},
		{"random-tail", required_argument, NULL, O_TAIL},
		{"malform", required_argument, NULL, O_MALFORM},
		{"dad", no_argument, NULL, O_DAD},
		{"unicast", required_argument, NULL, O_UNICAST},
		{"wait", required_argument, NULL, O_WAIT},
		{"print", no_argument, NULL, O_PRINT},
		{"seed", required_argument, NULL, O_SEED},
		{"batch", required_argument, NULL, O_BATCH},
		{"rx-ring", no_argument, NULL, O_RING},
		{"pad", required_argument, NULL, O_PAD},
		{0},
	};
	const char *ifname = NULL, *why;
	struct sixplane_addr target = {{0}}, src = {{0xfe, 0x80, [15] = 0x99}};
	struct sixplane_mac mac = {{0x02, 0x00, 0x5e, 0x10, 0x00, 0x99}};
	struct sixplane_mac umac;
	bool have_target = false, dad = false, print = false, unicast = false, rx_ring = false;
	unsigned long count = 1, wait_ms = 300, batch = 1;
	double rate = 0;
	int tail_bits = 0, opt;
	enum malform m = M_NONE;

	while ((opt = getopt_long(argc, argv, "i:t:n:r:s:m:", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 't':
			if (sixplane_addr_parse(optarg, strlen(optarg), 0, &target, &why))
				die("bad target", why);
			have_target = true;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			break;
		case 's':
			if (sixplane_addr_parse(optarg, strlen(optarg), 0, &src, &why))
				die("bad source", why);
			break;
		case 'm':
			if (sixplane_mac_parse(optarg, strlen(optarg), &mac, &why))
				die("bad MAC", why);
			break;
		case O_TAIL:
			tail_bits = atoi(optarg);
			if (tail_bits < 0 || tail_bits > 48)
				die("--random-tail takes 0..48", NULL);
			break;
		case O_MALFORM: {
			size_t k;
			for (k = 0; k < sizeof(malform_names) / sizeof(malform_names[0]); k++)
				if (!strcmp(optarg, malform_names[k]))
					break;
			if (k == sizeof(malform_names) / sizeof(malform_names[0]))
				die("unknown --malform", optarg);
			m = (enum malform)k;
			break;
		}
		case O_DAD:
			dad = true;
			break;
		case O_UNICAST:
			if (sixplane_mac_parse(optarg, strlen(optarg), &umac, &why))
				die("bad --unicast MAC", why);
			unicast = true;
			break;
		case O_WAIT:
			wait_ms = strtoul(optarg, NULL, 10);
			break;
		case O_PRINT:
			print = true;
			break;
		case O_PAD:
			pad_bytes = strtoul(optarg, NULL, 10);
			if (14 + 40 + 32 + (pad_bytes + 7) / 8 * 8 > FRAME_MAX) {
				fprintf(stderr, "nsgen: --pad %s: the frame would pass %d bytes\n",
					optarg, FRAME_MAX);
				return 1;
			}
			break;
		case O_RING:
			rx_ring = true;
			break;
		case O_SEED:
			rng = strtoull(optarg, NULL, 0) | 1;
			break;
		case O_BATCH: {
			char *end;
			batch = strtoul(optarg, &end, 10);
			if (*end || batch < 1 || batch > 256)
				die("--batch takes 1..256", optarg);
			break;
		}
		default:
			return 2;
		}
	}
	if (!ifname || !have_target)
		die("usage: nsgen -i IFACE -t TARGET [options]", NULL);
	int ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		die("no such interface", ifname);
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	if (fd < 0)
		die("socket", strerror(errno));
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IPV6),
				  .sll_ifindex = ifindex,
				  .sll_halen = 6};
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind", strerror(errno));
	int big = 16 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	if (rx_ring)
		ring_open(fd);

	static uint8_t frames[256][FRAME_MAX];
	struct sockaddr_ll to[256];
	struct iovec iov[256];
	struct mmsghdr msgs[256];
	unsigned long sent = 0, answered = 0, refused = 0;
	double t0 = now();
	for (unsigned long i = 0; i < count;) {
		unsigned long nb = count - i < batch ? count - i : batch;
		for (unsigned long k = 0; k < nb; k++) {
			struct sixplane_addr t = target;
			if (tail_bits) {
				uint64_t r = next_rand() & ((1ULL << tail_bits) - 1);
				for (int b = 0; b < 6; b++)
					t.b[15 - b] ^= (uint8_t)(r >> (8 * b));
			}
			size_t len =
				build(frames[k], &mac, &src, &t, dad, unicast ? umac.b : NULL, m);
			to[k] = sll;
			memcpy(to[k].sll_addr, frames[k], 6);
			iov[k] = (struct iovec){frames[k], len};
			msgs[k] = (struct mmsghdr){.msg_hdr = {.msg_name = &to[k],
							       .msg_namelen = sizeof(to[k]),
							       .msg_iov = &iov[k],
							       .msg_iovlen = 1}};
		}
		if (rate > 0) {
			double due = t0 + (double)i / rate;
			while (now() < due)
				answered += drain(fd, print); /* while pacing */
		}
		if (i % 32 < nb || batch > 1) {
			/* and when behind or unpaced: read the answers, or they
			 * overflow our socket and the count measures its buffer */
			answered += drain(fd, print);
		}
		/* a frame the kernel refuses (ENOBUFS: the answering CPU's
		 * input queue is full) is lost, not sent again; sendmmsg stops
		 * at it, and the rest of the batch is still offered */
		for (unsigned long k = 0; k < nb;) {
			int r;
			if (nb - k == 1)
				r = sendto(fd, frames[k], iov[k].iov_len, 0,
					   (struct sockaddr *)&to[k],
					   sizeof(to[k])) == (ssize_t)iov[k].iov_len
					    ? 1
					    : -1;
			else
				r = sendmmsg(fd, msgs + k, (unsigned)(nb - k), 0);
			if (r < 0 && errno != ENOBUFS && errno != EAGAIN)
				die("send", strerror(errno));
			if (r < 0) {
				refused++;
				k++;
				continue;
			}
			sent += (unsigned long)r;
			k += (unsigned long)r;
			if (k < nb) {
				/* sendmmsg returned short: frame k was refused */
				refused++;
				k++;
			}
		}
		i += nb;
	}
	double t1 = now();
	/* collect the answers still on their way */
	struct pollfd p = {.fd = fd, .events = POLLIN};
	double end = now() + (double)wait_ms / 1000;
	while (now() < end) {
		if (poll(&p, 1, 10) <= 0)
			continue;
		answered += drain(fd, print);
	}
	double el = t1 - t0 > 0 ? t1 - t0 : 1e-9;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("sent %lu answered %lu elapsed_s %.3f rate %.0f refused %lu cpu_s %.3f\n", sent,
	       answered, el, (double)sent / el, refused, cpu);
	return 0;
}
