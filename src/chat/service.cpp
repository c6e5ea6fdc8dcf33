// chat::Service: wires the Domain's dispatch tables to the app's entry points.
#include "chat/service.hpp"

#include "chat/domain.hpp"
#include "chat/presence/events.hpp"
#include "chat/read_state/events.hpp"
#include "chat/typing/events.hpp"

namespace parlor::chat {

struct Service::Impl {
  Impl(const core::Config& config, store::Executor& store, Outbox& outbox, ServiceOptions options)
      : domain(config, store, outbox, std::move(options)) {}
  Domain domain;
};

Service::Service(const core::Config& config, store::Executor& store, Outbox& outbox,
                 ServiceOptions options)
    : impl_(std::make_unique<Impl>(config, store, outbox, std::move(options))) {
  Domain& d = impl_->domain;
  register_account_routes(d);
  register_room_routes(d);
  register_message_routes(d);
  register_search_routes(d);
  register_file_routes(d);
  register_room_events(d);
  register_message_events(d);
  register_sync_event(d);
  presence::register_events(d);
  typing::register_events(d);
  read_state::register_events(d);
}

Service::~Service() = default;

void Service::start() {
  impl_->domain.start();
}
void Service::stop() {
  impl_->domain.stop();
}

std::vector<RestRoute> Service::rest_routes() {
  return impl_->domain.routes();
}

void Service::connect(const ConnId& conn, const boost::json::value& auth, const std::string&,
                      ConnectReply reply) {
  Domain& d = impl_->domain;
  d.post([&d, conn, auth, reply = std::move(reply)] { d.connect(conn, auth, reply); });
}

void Service::event(const ConnId& conn, const std::string& name, boost::json::value payload,
                    AckReply reply) {
  Domain& d = impl_->domain;
  d.post([&d, conn, name, payload = std::move(payload), reply = std::move(reply)] {
    const Session* s = d.session(conn);
    if (!s) return reply(error_ack({Code::unauthorized, "not connected", 0}));
    const auto* handler = d.event_handler(name);
    if (!handler) return reply(error_ack(invalid("event", "unknown event '" + name + "'")));
    Session copy = *s;
    (*handler)(copy, payload, reply);
  });
}

void Service::disconnected(const ConnId& conn) {
  Domain& d = impl_->domain;
  d.post([&d, conn] { d.disconnected(conn); });
}

}  // namespace parlor::chat
