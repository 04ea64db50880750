#include <string.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tcp_xfer.h"

static u8_t
pattern(unsigned seed, size_t i)
{
	return (u8_t)(i * 7 + seed + (i >> 11));
}

static void
end_close_if_done(struct xfer_end *e)
{
	if (!e->closed && e->sent == e->total && e->rcvd == e->total &&
	    e->pcb != NULL) {
		e->closed = true;
		assert_int_equal(tcp_close(e->pcb), ERR_OK);
	}
}

static void
end_push(struct xfer_end *e)
{
	u8_t chunk[4096];

	if (e->closed)
		return;
	while (e->sent < e->total && e->pcb != NULL) {
		size_t n = e->total - e->sent;
		u16_t room = tcp_sndbuf(e->pcb);

		if (n > sizeof(chunk))
			n = sizeof(chunk);
		if (n > room)
			n = room;
		if (e->max_queued != 0) {
			size_t queued = TCP_SND_BUF - e->pcb->snd_buf;

			if (queued >= e->max_queued)
				break;
			if (n > e->max_queued - queued)
				n = e->max_queued - queued;
		}
		if (n == 0 || tcp_sndqueuelen(e->pcb) >= TCP_SND_QUEUELEN - 4)
			break;
		for (size_t i = 0; i < n; i++)
			chunk[i] = pattern(e->tx_seed, e->sent + i);
		if (tcp_write(e->pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		e->sent += n;
	}
	if (e->pcb != NULL)
		tcp_output(e->pcb);
	end_close_if_done(e);
}

static err_t
end_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct xfer_end *e = arg;

	if (p == NULL) {
		e->closed_by_peer = true;
		end_close_if_done(e);
		return ERR_OK;
	}
	for (struct pbuf *q = p; q != NULL; q = q->next) {
		const u8_t *b = q->payload;

		for (u16_t i = 0; i < q->len; i++)
			if (b[i] != pattern(e->rx_seed, e->rcvd + i))
				e->bad = true;
		e->rcvd += q->len;
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	end_close_if_done(e);
	return ERR_OK;
}

static err_t
end_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	end_push(arg);
	return ERR_OK;
}

/* Every second: retry a write that failed for want of memory. */
static err_t
end_poll(void *arg, struct tcp_pcb *pcb)
{
	end_push(arg);
	return ERR_OK;
}

static void
end_err(void *arg, err_t err)
{
	struct xfer_end *e = arg;

	e->error = true;
	e->pcb = NULL;
}

static void
end_attach(struct xfer_end *e, struct tcp_pcb *pcb)
{
	e->pcb = pcb;
	tcp_arg(pcb, e);
	tcp_recv(pcb, end_recv);
	tcp_sent(pcb, end_sent);
	tcp_err(pcb, end_err);
	tcp_poll(pcb, end_poll, 2);
}

static err_t
on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct xfer *x = arg;

	assert_int_equal(err, ERR_OK);
	end_attach(&x->server, pcb);
	end_push(&x->server);
	return ERR_OK;
}

static err_t
on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct xfer_end *e = arg;

	assert_int_equal(err, ERR_OK);
	e->connected = true;
	end_push(e);
	return ERR_OK;
}

void
xfer_start(struct xfer *x, const ip_addr_t *listen_addr,
	   const ip_addr_t *connect_addr, u16_t port, size_t total,
	   struct netif *lnif, struct netif *cnif)
{
	struct tcp_pcb *l, *c;

	memset(x, 0, sizeof(*x));
	x->server.total = x->client.total = total;
	x->client.tx_seed = x->server.rx_seed = 1;
	x->server.tx_seed = x->client.rx_seed = 2;

	l = tcp_new_ip_type(IP_GET_TYPE(listen_addr));
	assert_non_null(l);
	assert_int_equal(tcp_bind(l, listen_addr, port), ERR_OK);
	if (lnif != NULL)
		tcp_bind_netif(l, lnif);
	x->listener = tcp_listen(l);
	assert_non_null(x->listener);
	tcp_arg(x->listener, x);
	tcp_accept(x->listener, on_accept);

	c = tcp_new_ip_type(IP_GET_TYPE(connect_addr));
	assert_non_null(c);
	end_attach(&x->client, c);
	if (cnif != NULL)
		tcp_bind_netif(c, cnif);
	assert_int_equal(tcp_connect(c, connect_addr, port, on_connected),
	    ERR_OK);
}

bool
xfer_done(const struct xfer *x)
{
	return x->server.closed && x->client.closed &&
	    x->server.closed_by_peer && x->client.closed_by_peer;
}
