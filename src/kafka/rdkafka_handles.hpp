#pragma once
// RAII owners for librdkafka's C handles. Each is a std::unique_ptr with the
// matching destroy function as its deleter, so copying is deleted and moving
// transfers ownership. Nothing here talks to a broker.

#include <librdkafka/rdkafka.h>

#include <memory>

namespace tributary::kafka {

/// Deleters calling the librdkafka destroy function of each handle type.
struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* p) const { rd_kafka_destroy(p); }
};
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* p) const { rd_kafka_conf_destroy(p); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* p) const {
    rd_kafka_topic_partition_list_destroy(p);
  }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* p) const { rd_kafka_message_destroy(p); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
};
struct TopicDeleter {
  void operator()(rd_kafka_topic_t* p) const { rd_kafka_topic_destroy(p); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* p) const { rd_kafka_metadata_destroy(p); }
};

/// Owns an rd_kafka_t (producer or consumer). Destroying it blocks until
/// librdkafka's threads have stopped.
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;
/// Owns an rd_kafka_conf_t until it is handed to rd_kafka_new (release() it then:
/// rd_kafka_new takes ownership on success only).
using ConfHandle = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
/// Owns an rd_kafka_topic_partition_list_t.
using PartitionListHandle = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
/// Owns one consumed message (and so a reference to librdkafka's fetch buffer).
using MessageHandle = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
/// Owns a queue reference obtained from rd_kafka_queue_get_*.
using QueueHandle = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
/// Owns a local topic handle (rd_kafka_topic_new).
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;
/// Owns a metadata result from rd_kafka_metadata.
using MetadataHandle = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

}  // namespace tributary::kafka
