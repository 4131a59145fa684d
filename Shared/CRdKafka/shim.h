// Shim over librdkafka: the client API, the mock cluster used by the dev broker, and a few
// non-variadic wrappers for calls Swift cannot make directly (rd_kafka_producev is variadic).
#ifndef CARELOOP_CRDKAFKA_SHIM_H
#define CARELOOP_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// Produces one record; on success the headers belong to librdkafka, on failure to the caller.
static inline rd_kafka_resp_err_t careloop_produce(rd_kafka_t *rk, const char *topic, const void *key,
                                                   size_t key_len, const void *value, size_t value_len,
                                                   rd_kafka_headers_t *headers, void *opaque) {
    return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}

/// The per-message opaque pointer given at produce time (rkmessage->_private).
static inline void *careloop_message_opaque(const rd_kafka_message_t *message) { return message->_private; }

#endif
