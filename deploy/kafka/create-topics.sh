#!/usr/bin/env bash
# Creates every CareLoop topic and its dead-letter topic (<topic>.dlt). Idempotent: existing topics are
# left as they are. Runs as the one-shot `kafka-init` container of docker-compose.yml (apache/kafka image),
# or by hand against any cluster with Kafka's CLI:
#   BOOTSTRAP_SERVERS=b-1.kafka.example.net:9096 REPLICATION_FACTOR=3 COMMAND_CONFIG=client.properties \
#     deploy/kafka/create-topics.sh
#
# Partitions bound consumer parallelism: a service's consumer group (careloop-<service>) uses at most one
# replica per partition. Adding partitions later moves keys to other partitions and breaks per-key
# ordering for records in flight, so pick counts with headroom; this script never changes them.
set -euo pipefail

# topic=partitions; the five public topics of integration contract v1.
TOPIC_PARTITIONS=${TOPIC_PARTITIONS:-"careloop.intake.v1=12 careloop.cases.v1=12 careloop.workorders.v1=6 careloop.surveys.v1=6 careloop.notifications.v1=6"}
# Dead letters are rare and read by people: few partitions, kept longer.
DLT_PARTITIONS=${DLT_PARTITIONS:-3}
BOOTSTRAP_SERVERS=${BOOTSTRAP_SERVERS:-kafka:9092}
REPLICATION_FACTOR=${REPLICATION_FACTOR:-1}
RETENTION_MS=${RETENTION_MS:-604800000}        # 7 days
DLT_RETENTION_MS=${DLT_RETENTION_MS:-2592000000} # 30 days
COMMAND_CONFIG=${COMMAND_CONFIG:-}               # client properties file (SASL/TLS) for a managed cluster
WAIT_SECONDS=${WAIT_SECONDS:-120}

kafka_topics=${KAFKA_BIN:-/opt/kafka/bin}/kafka-topics.sh
[[ -x "$kafka_topics" ]] || kafka_topics=$(command -v kafka-topics.sh || command -v kafka-topics) \
    || { echo "create-topics: kafka-topics.sh not found (set KAFKA_BIN)" >&2; exit 1; }
client=(--bootstrap-server "$BOOTSTRAP_SERVERS")
[[ -z "$COMMAND_CONFIG" ]] || client+=(--command-config "$COMMAND_CONFIG")

# acks=all producers need min.insync.replicas <= replicas; 2 of 3 survives one broker down.
min_isr=$((REPLICATION_FACTOR >= 3 ? 2 : 1))

deadline=$((SECONDS + WAIT_SECONDS))
until "$kafka_topics" "${client[@]}" --list >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "create-topics: no broker at $BOOTSTRAP_SERVERS after ${WAIT_SECONDS}s" >&2; exit 1; }
    sleep 2
done

create() { # topic partitions retention-ms
    "$kafka_topics" "${client[@]}" --create --if-not-exists --topic "$1" --partitions "$2" \
        --replication-factor "$REPLICATION_FACTOR" \
        --config min.insync.replicas="$min_isr" --config retention.ms="$3" --config cleanup.policy=delete
    local actual
    actual=$("$kafka_topics" "${client[@]}" --describe --topic "$1" | sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p' | head -n 1)
    if [[ "$actual" != "$2" ]]; then
        echo "create-topics: $1 exists with $actual partitions (configured $2); left unchanged" >&2
    else
        echo "create-topics: $1 ($2 partitions, replication $REPLICATION_FACTOR)"
    fi
}

for entry in $TOPIC_PARTITIONS; do
    topic=${entry%%=*}
    partitions=${entry#*=}
    create "$topic" "$partitions" "$RETENTION_MS"
    create "$topic.dlt" "$DLT_PARTITIONS" "$DLT_RETENTION_MS"
done
