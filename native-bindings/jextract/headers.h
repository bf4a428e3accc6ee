/*
 * jextract input for dev.fastpath.nativeio: the Linux ABI Fastpath binds by hand.
 * LayoutProbeTest compiles this file too, so every header listed here must stay valid C.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <poll.h>
#include <net/if.h>
#include <sched.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/if_link.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
