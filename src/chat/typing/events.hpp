// The chat domain's side of typing (compiled into parlor_chat): the
// typing_start / typing_stop events. Typing also ends on send (see
// read_state::on_sent) and on disconnect (Domain::disconnected).
#pragma once

namespace parlor::chat {
class Domain;
}

namespace parlor::chat::typing {

void register_events(Domain& d);

}  // namespace parlor::chat::typing
